package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.api.AutoRound;
import io.autoround.api.ModelLoader;
import io.autoround.api.QuantizeOptions;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.nn.DecoderModel;
import io.autoround.quant.MxQuantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An MXFP4 checkpoint (MX weights and dynamic MX activations) loads on dequant-fp32 with activation quant-dequant. */
class MxActivationInferenceTest {
    @TempDir
    Path tmp;

    @Test
    void mxfp4CheckpointAppliesActivationQuantDequant() throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.golden("parity/llama").toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.scheme = "MXFP4";
        o.outputDir = tmp.resolve("mx").toString();
        new AutoRound(o, System.err).quantizeAndSave();
        Path dir;
        try (var s = Files.walk(tmp)) {
            dir = s.filter(p -> p.getFileName().toString().equals("config.json")).findFirst().orElseThrow().getParent();
        }
        String layer = "model.layers.0.mlp.down_proj";
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir); NDManager m = NDManager.newBaseManager("PyTorch")) {
            QuantizedWeight w = ckpt.weights().get(layer);
            QuantScheme s = w.scheme();
            assertTrue(s.actBits() == 4 && s.actDataType().startsWith("mx_fp"), "scheme " + s);
            float[] x = new float[3 * w.cols()];
            Random r = new Random(5);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            QuantScheme act = new QuantScheme(4, s.actGroupSize(), true, s.actDataType(), 16, 32, true, "float", true, null, null);
            float[] xq = MxQuantizer.quantize("x", x, 3, w.cols(), act, QuantOptions.rtn(Precision.FP32)).dequantized();
            float[] expected = ScalarLinearReference.forward(w, xq, 3);
            float[] got = new DequantFp32Backend().create(w, m).forward(m.create(x, new Shape(3, w.cols()))).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], 1e-4 * (1 + Math.abs(expected[i])), "output " + i);
            }
        }
        long[] ids = {1, 5, 77, 300, 12, 511};
        float[] weightOnly;
        try (DecoderModel ref = ModelLoader.load(dir)) {
            weightOnly = logits(ref, ids);
        }
        try (QuantizedModel q = QuantizedModel.load(dir, Device.cpu(), BackendRegistry.AUTO)) {
            assertEquals(java.util.Set.of(DequantFp32Backend.NAME), q.plan().orElseThrow().backendsUsed());
            assertTrue(q.plan().orElseThrow().explain().contains("packed-cpu: data type mx_fp not in [int]"));
            float[] got = logits(q.model(), ids);
            double maxDiff = 0;
            for (int i = 0; i < got.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - weightOnly[i]));
            }
            // activations are quantized to 4 bits: the logits move, but stay those of the same model
            assertTrue(maxDiff > 1e-4 && maxDiff < 2.0, "max diff to weight-only dequant " + maxDiff);
        }
    }

    static float[] logits(DecoderModel m, long[] ids) {
        try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
            return m.logits(scope.create(ids, new Shape(1, ids.length)), null).toFloatArray();
        }
    }
}
