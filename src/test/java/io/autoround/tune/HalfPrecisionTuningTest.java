package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.engine.TuningPrecision;
import io.autoround.model.nn.DecoderBlock;
import io.autoround.model.nn.DecoderModel;
import io.autoround.quant.QuantScheme;
import io.autoround.testutil.SharedData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mixed-precision tuning path (GPU amp) on tiny tensors on the CPU: a real block (qwen3 parity model: q/k norms,
 * RoPE, GQA, SwiGLU) run on fp16 activations agrees with its fp32 run, SignRound on fp16 activations still beats RTN
 * and lands near the fp32 result, and the dynamic loss scale recovers from overflowing gradients.
 */
class HalfPrecisionTuningTest {

    private static NDArray embeddings(DecoderModel model, NDManager m, int n, int seq) {
        long[] ids = new long[n * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37L + 11) % 500;
        }
        NDArray x = model.embed(m.create(ids, new Shape(n, seq)));
        x.attach(m);
        return x;
    }

    @Test
    void blockForwardInFp16MatchesFp32() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/qwen3"));
                NDManager m = NDManager.newBaseManager("PyTorch");
                BlockRunner runner = new BlockRunner(model, m, 16)) {
            DecoderBlock block = model.block(0);
            NDArray x = embeddings(model, m, 4, 16);
            float[] fp32 = runner.run(block, x, 2).toFloatArray();
            NDArray half = runner.run(block, x.toType(DataType.FLOAT16, false), 2);
            assertEquals(DataType.FLOAT16, half.getDataType(), "fp16 activations stay fp16 through the block");
            float[] fp16 = half.toType(DataType.FLOAT32, false).toFloatArray();
            double err = 0;
            double ref = 0;
            for (int i = 0; i < fp32.length; i++) {
                err += (fp16[i] - fp32[i]) * (double) (fp16[i] - fp32[i]);
                ref += fp32[i] * (double) fp32[i];
            }
            double rel = Math.sqrt(err / ref);
            assertTrue(rel < 2e-3, "relative error of the fp16 block " + rel);
            assertTrue(rel > 0, "the fp16 run really ran in fp16");
            block.releaseCastCopies();
        }
    }

    @Test
    void signRoundOnFp16ActivationsBeatsRtnAndTracksFp32() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/qwen3"));
                NDManager m = NDManager.newBaseManager("PyTorch");
                BlockRunner runner = new BlockRunner(model, m, 16)) {
            DecoderBlock block = model.block(0);
            NDArray x = embeddings(model, m, 8, 16);
            NDArray mask = m.ones(new Shape(8, 16, 1));
            QuantScheme w2 = QuantScheme.weightOnlyInt(2, 32, true);
            Map<String, QuantScheme> schemes = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(block.linears().keySet());
            names.forEach(n -> schemes.put(n, w2));
            SignRoundSettings settings = new SignRoundSettings(40, null, null, 0, 4, 1, true, false, -1, 42);
            BlockTuningResult fp32 = new SignRoundBlockTuner(settings).tune(runner.tunable(block, names), schemes,
                    x, runner.run(block, x, 4), mask, null);
            NDArray xh = x.toType(DataType.FLOAT16, false);
            BlockTuningResult fp16 = new SignRoundBlockTuner(settings).tune(runner.tunable(block, names), schemes,
                    xh, runner.run(block, xh, 4), mask, null);
            System.out.printf("W2 block: fp32 RTN %.6g -> %.6g, fp16 RTN %.6g -> %.6g%n", fp32.rtnLoss(),
                    fp32.tunedLoss(), fp16.rtnLoss(), fp16.tunedLoss());
            assertTrue(fp16.tunedLoss() < 0.95 * fp16.rtnLoss(), "fp16 tuning improves on RTN");
            assertEquals(fp32.rtnLoss(), fp16.rtnLoss(), 0.02 * fp32.rtnLoss(), "same RTN loss up to fp16 rounding");
            assertEquals(fp32.tunedLoss(), fp16.tunedLoss(), 0.15 * fp32.tunedLoss(), "fp16 tuning lands near fp32's");
            assertNotSame(fp32.layers(), fp16.layers());
            block.releaseCastCopies();
        }
    }

    @Test
    void foldedStepOfVGivesTheSameTuningAsTheSeparateStep() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/qwen3"));
                NDManager m = NDManager.newBaseManager("PyTorch");
                BlockRunner runner = new BlockRunner(model, m, 16)) {
            DecoderBlock block = model.block(0);
            NDArray xh = embeddings(model, m, 8, 16).toType(DataType.FLOAT16, false);
            NDArray mask = m.ones(new Shape(8, 16, 1));
            NDArray targets = runner.run(block, xh, 4);
            List<String> names = new ArrayList<>(block.linears().keySet());
            // sym W2 and asym W4 with tuned clipping scales, the sign-SGD default (no momentum), one micro-batch
            for (QuantScheme scheme : List.of(QuantScheme.weightOnlyInt(2, 32, true), QuantScheme.weightOnlyInt(4, 32, false))) {
                BlockTuningResult a = assertFoldedEqualsSeparate(runner, block, names, scheme, 12, xh, targets, mask,
                        scheme.toString());
                assertTrue(a.tunedLoss() < a.rtnLoss(), scheme + ": tuning improved the block");
            }
            // targets far off the block's outputs: the first iterations' fp16 weight gradients overflow, and both
            // forms must recover the same way (the folded one before any clipping-scale gradient exists)
            BlockTuningResult a = assertFoldedEqualsSeparate(runner, block, names, QuantScheme.weightOnlyInt(4, 32, false),
                    4, xh, targets.add(2000f), mask, "overflowing start");
            assertTrue(Double.isFinite(a.tunedLoss()), "tuning recovered from the overflow");
            block.releaseCastCopies();
        }
    }

    /** Tunes with V's step folded and separate; asserts the same losses, best iteration, V and max scales. */
    private static BlockTuningResult assertFoldedEqualsSeparate(BlockRunner runner, DecoderBlock block, List<String> names,
            QuantScheme scheme, int iters, NDArray x, NDArray targets, NDArray mask, String what) {
        Map<String, QuantScheme> schemes = new LinkedHashMap<>();
        names.forEach(n -> schemes.put(n, scheme));
        SignRoundBlockTuner folded = new SignRoundBlockTuner(new SignRoundSettings(iters, null, null, 0, 8, 1, true,
                false, -1, 7));
        BlockTuningResult a = folded.tune(runner.tunable(block, names), schemes, x, targets, mask, null);
        BlockTuningResult b = folded.withoutFusedStep().tune(runner.tunable(block, names), schemes, x, targets, mask, null);
        assertEquals(b.rtnLoss(), a.rtnLoss(), 0.0, what + ": RTN loss");
        assertEquals(b.tunedLoss(), a.tunedLoss(), 0.0, what + ": tuned loss");
        assertEquals(b.bestIteration(), a.bestIteration(), what + ": best iteration");
        for (String n : names) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(b.layers().get(n).offsets(), a.layers().get(n).offsets(),
                    0f, what + ": V of " + n);
            org.junit.jupiter.api.Assertions.assertArrayEquals(b.layers().get(n).maxScale(),
                    a.layers().get(n).maxScale(), 0f, what + ": max scale of " + n);
        }
        return a;
    }

    @Test
    void lossScaleHalvesOnOverflowAndUnscalesFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray p = m.create(new float[] {1f, 2f, 3f});
            p.setRequiresGradient(true);
            HalfPrecisionLossScale scale = HalfPrecisionLossScale.forOutputElements(1000);
            assertEquals(256f, scale.factor(), "largest power of two <= N/2");
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.mul(Float.POSITIVE_INFINITY).sum());
            }
            assertFalse(scale.accept(List.of(p), Double.NaN), "an overflowed micro-batch (NaN loss) is rejected");
            assertEquals(128f, scale.factor());
            assertEquals(0f, p.getGradient().abs().sum().getFloat(), "rejected gradients are cleared, NaN/Inf included");
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.square().sum().mul(scale.factor()));
            }
            assertTrue(scale.accept(List.of(p), 0.5));
            float[] g = p.getGradient().toFloatArray();
            assertEquals(2f, g[0], 1e-6f, "gradient divided back by the scale");
            assertEquals(6f, g[2], 1e-6f);
        }
    }

    @Test
    void precisionPolicyKeepsCpuAndActivationQuantizationInFp32() {
        assertEquals(DataType.FLOAT32, TuningPrecision.resolve(ai.djl.Device.cpu(), true, false).dtype());
        assertEquals(DataType.FLOAT16, TuningPrecision.resolve(ai.djl.Device.gpu(0), true, false).dtype());
        assertEquals(DataType.FLOAT32, TuningPrecision.resolve(ai.djl.Device.gpu(0), false, false).dtype());
        assertEquals(DataType.FLOAT32, TuningPrecision.resolve(ai.djl.Device.gpu(0), true, true).dtype());
    }
}
