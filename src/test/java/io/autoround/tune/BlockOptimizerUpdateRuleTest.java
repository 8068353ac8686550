package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The update rules of the two block optimizers against values worked out by hand from the reference's formulas
 * (SignSGD with momentum, torch's AdamW), a few steps each, with gradients injected through autograd.
 */
class BlockOptimizerUpdateRuleTest {

    /** Sets {@code p}'s gradient to {@code g} (d/dp sum(p * g) = g), then leaves grad mode off as the tuner does. */
    private static void setGradient(NDArray p, float[] g) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray c = p.getManager().create(g);
            gc.backward(p.mul(c).sum());
        }
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    private static NDArray param(NDManager m, float... values) {
        NDArray p = m.create(values);
        p.setRequiresGradient(true);
        return p;
    }

    private static void step(BlockOptimizer opt, NDArray p, float[] g, double lr) {
        setGradient(p, g);
        opt.step(p, lr);
        assertArrayEquals(new float[g.length], p.getGradient().toFloatArray(), "gradient zeroed after the step");
    }

    @Test
    void signSgdWithMomentumSignsTheBufferNotTheGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = param(m, 0.5f, -0.2f, 0f);
            try (BlockOptimizer opt = new SignSgd(m, 0.9)) {
                assertEquals(1000f, opt.lossScale());
                // step 1: buf = g = [1, -2, 0.5] -> p = [0.5-0.1, -0.2+0.1, 0-0.1]
                step(opt, p, new float[] {1f, -2f, 0.5f}, 0.1);
                assertArrayEquals(new float[] {0.4f, -0.1f, -0.1f}, p.toFloatArray(), 1e-6f);
                // step 2: buf = 0.9*[1,-2,0.5] + [-3,1,-1] = [-2.1,-0.8,-0.55]: all negative, although g[1] > 0
                step(opt, p, new float[] {-3f, 1f, -1f}, 0.05);
                assertArrayEquals(new float[] {0.45f, -0.05f, -0.05f}, p.toFloatArray(), 1e-6f);
                // step 3: buf = 0.9*buf + [1,1,0.3] = [-0.89, 0.28, -0.195]
                step(opt, p, new float[] {1f, 1f, 0.3f}, 0.02);
                assertArrayEquals(new float[] {0.47f, -0.07f, -0.03f}, p.toFloatArray(), 1e-6f);
            }
            // a new optimizer (next block) starts without a buffer: buf = g again
            try (BlockOptimizer opt = new SignSgd(m, 0.9)) {
                step(opt, p, new float[] {-1f, 0f, 2f}, 0.01);
                assertArrayEquals(new float[] {0.48f, -0.07f, -0.04f}, p.toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void signSgdWithoutMomentumIsPlainSignDescent() {
        try (NDManager m = NDManager.newBaseManager(); BlockOptimizer opt = new SignSgd(m, 0)) {
            NDArray p = param(m, 0.5f, -0.2f, 0f);
            step(opt, p, new float[] {1f, -2f, 0.5f}, 0.1);
            // g = [-3, 1, 0]: sign(0) = 0 leaves the last element alone
            step(opt, p, new float[] {-3f, 1f, 0f}, 0.05);
            assertArrayEquals(new float[] {0.45f, -0.15f, -0.1f}, p.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void adamWUsesBiasCorrectedMomentsAndDecoupledWeightDecay() {
        try (NDManager m = NDManager.newBaseManager(); BlockOptimizer opt = new AdamW(m, 0.1)) {
            assertEquals(1f, opt.lossScale());
            NDArray p = param(m, 1f, -0.5f, 0.25f);
            // step 1: p *= 1 - 0.01*0.1; m = 0.1*g, v = 0.001*g^2, so m/(1-0.9) / sqrt(v/(1-0.999)) = sign(g):
            // p[0] = 0.999 - 0.01, p[1] = -0.4995 + 0.01; g[2] = 0 only decays: 0.25 * 0.999
            step(opt, p, new float[] {0.1f, -0.2f, 0f}, 0.01);
            assertArrayEquals(new float[] {0.989f, -0.4895f, 0.24975f}, p.toFloatArray(), 1e-6f);
            // step 2, p[0]: m = 0.9*0.01 + 0.1*(-0.3) = -0.021, v = 0.999*1e-5 + 0.001*0.09 = 9.999e-5,
            // m_hat = -0.021/0.19, sqrt(v_hat) = sqrt(9.999e-5/0.001999): p = 0.989*0.9992 + 0.008*0.49418 = 0.992162
            step(opt, p, new float[] {-0.3f, 0.05f, 0.4f}, 0.008);
            assertArrayEquals(new float[] {0.992162319f, -0.485352655f, 0.243597106f}, p.toFloatArray(), 2e-6f);
            step(opt, p, new float[] {0.2f, 0.2f, -0.1f}, 0.006);
            assertArrayEquals(new float[] {0.991454296f, -0.486169581f, 0.241032822f}, p.toFloatArray(), 2e-6f);
        }
    }

    @Test
    void invalidHyperParametersAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new SignSgd(m, -0.1));
            assertThrows(IllegalArgumentException.class, () -> new AdamW(m, Double.NaN));
        }
    }
}
