package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fp32 forward against transformers' logits for one tiny random model per architecture family. */
class ForwardParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "qwen3_moe", "mixtral"})
    void logitsMatchTransformers(String arch) {
        Path dir = SharedData.golden("parity/" + arch);
        long[] ids;
        float[] golden;
        try (SafetensorsCheckpoint g = SafetensorsCheckpoint.open(dir.resolve("golden_logits.safetensors"))) {
            ids = g.readLongs("input_ids");
            golden = g.readFloats("logits");
        }
        try (DecoderModel model = DecoderModel.load(dir); NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertEquals(arch, model.config().modelType());
            NDArray logits = model.logits(m.create(ids), null);
            assertEquals(new Shape(ids.length, 512), logits.getShape());
            float[] got = logits.toFloatArray();
            assertEquals(golden.length, got.length);
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < got.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - golden[i]));
                maxAbs = Math.max(maxAbs, Math.abs(golden[i]));
            }
            System.out.printf("%s: max |logit - golden| = %.3g (max |logit| %.3g)%n", arch, maxDiff, maxAbs);
            assertTrue(maxAbs > 0.1, "golden logits are not trivially small");
            assertTrue(maxDiff <= 1e-4, arch + ": max diff " + maxDiff);

            // a batch of two identical rows gives the same logits as one row
            NDArray batch = m.create(concat(ids, ids), new Shape(2, ids.length));
            float[] twice = model.logits(batch, null).toFloatArray();
            float[] first = java.util.Arrays.copyOf(twice, got.length);
            assertArrayEquals(got, first, 1e-5f);
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
