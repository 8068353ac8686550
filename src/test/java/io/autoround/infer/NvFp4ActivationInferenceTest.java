package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An NVFP4 (W4A4) checkpoint runs on dequant-fp32 with the static activation quant-dequant of its
 * {@code input_global_scale}: a layer's output equals the scalar reference on quantized inputs, and the model's
 * perplexity is that of 4-bit activations (above the fp model's).
 */
class NvFp4ActivationInferenceTest {
    @TempDir
    Path tmp;

    @Test
    void nvfp4CheckpointQuantizesActivationsWithItsInputGlobalScale() throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.scheme = "NVFP4";
        o.iters = 0;
        o.nsamples = 4;
        o.seqlen = 64;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        Path dir = ar.save(ar.quantize(), tmp.resolve("nv"), List.of("llm_compressor"), false).outputs().get(0);

        String layer = "model.layers.1.mlp.up_proj";
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir); NDManager m = NDManager.newBaseManager()) {
            QuantizedWeight w = ckpt.weights().get(layer);
            assertEquals(ActivationQuant.NV_STATIC, ActivationQuant.of(w.scheme()), "scheme read back " + w.scheme());
            float igs = ckpt.tensors().readFloats(layer + ".input_global_scale")[0];
            float[] x = new float[3 * w.cols()];
            Random r = new Random(9);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian() * (i % 5 == 0 ? 3f : 0.5f);
            }
            float[] expected = ScalarLinearReference.forward(w, ActivationQuant.apply(w.scheme(), x, 3, w.cols(), igs), 3);
            float[] got = new DequantFp32Backend().create(w, igs, m).forward(m.create(x, new Shape(3, w.cols())))
                    .toFloatArray();
            float[] weightOnly = ScalarLinearReference.forward(w, x, 3);
            double moved = 0;
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], 1e-4 * (1 + Math.abs(expected[i])), "output " + i);
                moved = Math.max(moved, Math.abs(expected[i] - weightOnly[i]));
            }
            assertTrue(moved > 1e-3, "activation quantization changes the output (max " + moved + ")");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DequantFp32Backend().create(w, Float.NaN, m));
            assertTrue(e.getMessage().contains(layer) && e.getMessage().contains("input_global_scale"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> new PackedCpuBackend().create(w, igs, m));
        }
        try (QuantizedModel q = QuantizedModel.load(dir, Device.cpu(), BackendRegistry.AUTO)) {
            assertEquals(java.util.Set.of(DequantFp32Backend.NAME), q.plan().orElseThrow().backendsUsed());
        }
        Path evalText = tmp.resolve("eval.txt");
        Files.writeString(evalText, Files.readString(SharedData.text("tinystories_valid_sample.txt")).substring(0, 6_000));
        double pNv = AutoRound.perplexity(dir, evalText, 256, null).perplexity();
        double pFp = AutoRound.perplexity(SharedData.model("stories260k-hf"), evalText, 256, null).perplexity();
        System.out.printf("stories260K W4A4 NVFP4 (RTN) ppl %.4f, fp %.4f%n", pNv, pFp);
        assertTrue(Double.isFinite(pNv) && pNv > pFp && pNv < 2 * pFp, "NVFP4 ppl " + pNv + " vs fp " + pFp);
    }
}
