package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scripted SignSGD step, clamped step and copy that GPU tuning uses, held against the DJL ops the CPU uses: the
 * same parameters bit for bit, and the gradient zeroed.
 */
class ScriptedOptimizerStepTest {

    @Test
    void scriptedStepsEqualTheDjlOps() {
        Random rnd = new Random(5);
        float[] start = new float[300];
        float[] grad = new float[300];
        for (int i = 0; i < start.length; i++) {
            start[i] = 0.4f + 0.7f * rnd.nextFloat(); // some above 1, so the clamp acts
            grad[i] = i % 17 == 0 ? 0f : (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager();
                SignSgd djl = new SignSgd(m, 0.0);
                SignSgd scripted = new SignSgd(m, 0.0, true)) {
            for (boolean clamped : new boolean[] {false, true}) {
                NDArray a = withGradient(m, start, grad);
                NDArray b = withGradient(m, start, grad);
                for (int step = 0; step < 3; step++) {
                    double lr = 0.005 * (1 - step / 3.0);
                    if (clamped) {
                        djl.stepClamped(a, lr, 0f, 1f);
                        scripted.stepClamped(b, lr, 0f, 1f);
                    } else {
                        djl.step(a, lr);
                        scripted.step(b, lr);
                    }
                    assertArrayEquals(new float[300], b.getGradient().toFloatArray(), "gradient zeroed");
                    setGradient(a, grad);
                    setGradient(b, grad);
                }
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), clamped ? "clamped step" : "step");
                float max = 0;
                for (float v : b.toFloatArray()) {
                    max = Math.max(max, v);
                }
                assertTrue(clamped ? max <= 1f : max > 1f, "the clamp bounds only the clamped step: max " + max);
            }
        }
    }

    @Test
    void scriptedCopyCopies() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray to = m.zeros(new Shape(2, 3));
            NDArray from = m.create(new float[] {1f, -2f, 3.5f, -0f, 5f, 6f}, new Shape(2, 3));
            SignRoundBlockTuner.scriptedCopy(to, from);
            assertArrayEquals(from.toFloatArray(), to.toFloatArray());
        }
    }

    private static NDArray withGradient(NDManager m, float[] values, float[] grad) {
        NDArray p = m.create(values);
        p.setRequiresGradient(true);
        setGradient(p, grad);
        return p;
    }

    /** Makes {@code grad} the gradient of {@code p} (a backward of sum(p * grad) after zeroing). */
    private static void setGradient(NDArray p, float[] grad) {
        BlockOptimizer.zeroGradient(p.getGradient());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p.getManager().create(grad)).sum());
        }
    }
}
