package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code to_quant_block_names} (reference {@code find_matching_blocks}): only the matched blocks are quantized. */
class QuantBlocksTest {
    @TempDir
    Path tmp;

    private QuantizeOptions options(String model, String blocks) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = model;
        o.toQuantBlockNames = blocks;
        o.iters = 0;
        o.disableOptRtn = true;
        o.outputDir = tmp.resolve("out").toString();
        return o;
    }

    @Test
    void onlyTheNamedBlockIsQuantizedAndTheOthersAreCopiedBitForBit() throws Exception {
        Path source = SharedData.golden("formats/source-qwen3");
        QuantizationReport r = new AutoRound(options(source.toString(), "model.layers.1"),
                new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(7, r.quantizedLayers(), "the 7 Linears of block 1 only");
        try (QuantizedCheckpoint q = QuantizedCheckpointReader.read(r.outputs().get(0));
                SafetensorsCheckpoint src = SafetensorsCheckpoint.open(source)) {
            TreeSet<String> quantized = new TreeSet<>(q.weights().keySet());
            assertEquals(7, quantized.size());
            assertTrue(quantized.stream().allMatch(n -> n.startsWith("model.layers.1.")), quantized.toString());
            String kept = "model.layers.0.mlp.down_proj.weight";
            assertArrayEquals(src.data(kept).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    q.tensors().data(kept).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "block 0 stays as in the source");
        }
    }

    @Test
    void aRegexSelectsBlocksAndUnselectedBlocksStayInFullPrecision() {
        QuantizeOptions o = options(SharedData.golden("formats/source-qwen3").toString(), "layers\\.0$");
        RunPlan plan = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).plan();
        List<String> quantized = plan.quantizedLayers().stream().map(l -> l.name()).toList();
        assertEquals(7, quantized.size(), quantized.toString());
        assertTrue(quantized.stream().allMatch(n -> n.startsWith("model.layers.0.")), quantized.toString());
        assertEquals(null, plan.schemeOf("model.layers.1.self_attn.q_proj"));
    }
}
