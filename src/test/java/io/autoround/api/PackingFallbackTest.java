package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers a format cannot pack because of their shape are kept in 16 bits (source weights, listed as unquantized in
 * the config) instead of failing the run. Source: hidden 256, intermediate 768, so with group_size 384 only
 * down_proj (in_features 768) fits the AWQ layout, which needs in_features % group_size == 0.
 */
class PackingFallbackTest {
    private static final Path SOURCE = SharedData.golden("formats/source-qwen3");
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final String DOWN = "model.layers.0.mlp.down_proj";

    @TempDir
    Path tmp;

    private Path run(String format, Consumer<QuantizeOptions> change) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SOURCE.toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.sym = false;
        o.groupSize = 384;
        o.formats = List.of(format);
        o.outputDir = tmp.resolve(format).toString();
        change.accept(o);
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(2, r.quantizedLayers(), "only the down_proj of each of the 2 blocks is quantized: " + r);
        return r.outputs().get(0);
    }

    @Test
    void autoAwqKeepsUnpackableLayersIn16Bits() throws Exception {
        Path out = run("auto_awq", o -> { });
        JsonNode qc = new ObjectMapper().readTree(out.resolve("quantization_config.json").toFile());
        List<String> skipped = new ArrayList<>();
        qc.get("modules_to_not_convert").forEach(n -> skipped.add(n.asText()));
        assertTrue(skipped.contains(Q) && skipped.contains("model.layers.1.mlp.up_proj"), skipped.toString());
        assertFalse(skipped.contains(DOWN), skipped.toString());
        assertSourceWeightKept(out, Q);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            assertTrue(ck.find(DOWN + ".qweight").isPresent(), "down_proj packed");
            assertFalse(ck.find(Q + ".qweight").isPresent(), "q_proj not packed");
        }
    }

    @Test
    void autoRoundAsymListsKeptLayersInExtraConfig() throws Exception {
        Path out = run("auto_round", o -> { });
        JsonNode qc = new ObjectMapper().readTree(out.resolve("quantization_config.json").toFile());
        assertEquals("auto_round:auto_awq", qc.get("packing_format").asText());
        JsonNode q = qc.get("extra_config").get(Q);
        assertEquals(16, q.get("bits").asInt(), qc.toString());
        assertSourceWeightKept(out, Q);
    }

    /** save_quantized into a format that cannot pack what quantize() made: those layers go out in 16 bits. */
    @Test
    void savingAnInMemoryResultInAnotherFormatKeepsWhatItCannotPack() throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SOURCE.toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.groupSize = 384;
        o.formats = List.of("auto_round"); // symmetric: GPTQ packing stores the partial group
        o.outputDir = tmp.resolve("unused").toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        assertEquals(14, q.plan().quantizedLayers().size(), "every Linear but lm_head quantized for auto_round");
        QuantizationReport r = ar.save(q, tmp.resolve("awq"), List.of("auto_awq"), false);
        Path out = r.outputs().get(0);
        JsonNode qc = new ObjectMapper().readTree(out.resolve("quantization_config.json").toFile());
        List<String> skipped = new ArrayList<>();
        qc.get("modules_to_not_convert").forEach(n -> skipped.add(n.asText()));
        assertTrue(skipped.contains(Q) && !skipped.contains(DOWN), skipped.toString());
        assertSourceWeightKept(out, Q);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            assertTrue(ck.find(DOWN + ".qweight").isPresent(), "down_proj packed from the in-memory result");
        }
    }

    private static void assertSourceWeightKept(Path out, String layer) {
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(SOURCE);
                SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            assertArrayEquals(src.readBytes(layer + ".weight"), ck.readBytes(layer + ".weight"), layer + " copied as is");
        }
    }
}
