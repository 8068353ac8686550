package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.SafetensorsFile;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pure-RTN job (API entry point to files on disk) against the reference's exports of the same source
 * model: same folders, tensor names/dtypes/shapes/order, configs, scales, zero points and unquantized bytes;
 * codes identical except at exact rounding ties, which the reference's compiled GPU run rounded differently.
 */
class RtnGoldenPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path run(String scheme, String format, Boolean sym) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.golden("formats/source-qwen3").toString();
        o.scheme = scheme;
        o.sym = sym;
        o.iters = 0;
        o.disableOptRtn = true;
        o.formats = List.of(format);
        o.outputDir = tmp.resolve(scheme + "-" + format).toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.RTN, r.algorithm());
        assertEquals(1, r.outputs().size());
        return r.outputs().get(0);
    }

    @Test
    void w4ModelFreeAutoRoundMatchesGolden() throws Exception {
        Path out = run("W4A16", "auto_round", null);
        assertEquals(tmp.resolve("W4A16-auto_round"), out, "model-free path writes to output_dir itself");
        compare(SharedData.golden("formats/W4A16-auto_round"), out);
    }

    @Test
    void w4AutoGptqMatchesGolden() throws Exception {
        Path out = run("W4A16", "auto_gptq", null);
        assertEquals("source-qwen3-w4g128", out.getFileName().toString());
        compare(SharedData.golden("formats/W4A16-auto_gptq/source-qwen3-w4g128"), out);
    }

    @Test
    void w3AutoRoundMatchesGolden() throws Exception {
        Path out = run("W3A16", "auto_round", null);
        assertEquals("source-qwen3-w3g128", out.getFileName().toString());
        compare(SharedData.golden("formats/W3A16-auto_round/source-qwen3-w3g128"), out);
    }

    private static void compare(Path golden, Path out) throws Exception {
        assertEquals(qconfig(golden.resolve("quantization_config.json")), qconfig(out.resolve("quantization_config.json")));
        JsonNode gc = JSON.readTree(golden.resolve("config.json").toFile());
        JsonNode oc = JSON.readTree(out.resolve("config.json").toFile());
        ((ObjectNode) gc).remove("quantization_config");
        ((ObjectNode) oc).remove("quantization_config");
        assertEquals(gc, oc, "config.json besides quantization_config");
        try (SafetensorsFile g = SafetensorsFile.open(golden.resolve("model.safetensors"));
                SafetensorsFile o = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(g.tensors(), o.tensors(), "names, dtypes, shapes, offsets and order");
            for (TensorInfo t : g.tensors()) {
                if (!t.name().endsWith(".qweight")) {
                    assertArrayEquals(g.readBytes(t.name()), o.readBytes(t.name()), t.name());
                }
            }
        }
        int ties = 0;
        int differing = 0;
        try (QuantizedCheckpoint g = QuantizedCheckpointReader.read(golden); QuantizedCheckpoint o = QuantizedCheckpointReader.read(out);
                SafetensorsCheckpoint src = SafetensorsCheckpoint.open(SharedData.golden("formats/source-qwen3"))) {
            assertEquals(g.weights().keySet(), o.weights().keySet());
            for (QuantizedWeight gw : g.weights().values()) {
                QuantizedWeight ow = o.weights().get(gw.name());
                float[] w = src.readFloats(gw.name() + ".weight");
                for (int i = 0; i < gw.codes().length; i++) {
                    if (gw.codes()[i] != ow.codes()[i]) {
                        differing++;
                        int grp = (i / gw.cols()) * gw.groupsPerRow() + (i % gw.cols()) / gw.groupWidth();
                        float q = w[i] / ow.scales()[grp];
                        assertEquals(0.5f, Math.abs(q - (float) Math.floor(q)), 0f,
                                gw.name() + "[" + i + "]: a differing code must be an exact tie, w/s = " + q);
                        assertEquals(1, Math.abs(gw.codes()[i] - ow.codes()[i]));
                        ties++;
                    }
                }
            }
        }
        assertTrue(differing < 300, "only tie codes differ: " + differing);
        assertEquals(ties, differing);
    }

    private static JsonNode qconfig(Path p) throws Exception {
        ObjectNode n = (ObjectNode) JSON.readTree(p.toFile());
        n.remove("autoround_version");
        return n;
    }
}
