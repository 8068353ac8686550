package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.autoround.engine.ScriptedFunctions;
import org.junit.jupiter.api.Test;

/**
 * The rounding of the fused quant-dequant, {@code (x + 1.5 * 2^23) - 1.5 * 2^23}: torch.round's half-to-even results
 * for every |x| < 2^22 (ties, their float neighbours, negative values), compared as numbers (-0.5 gives +0.0).
 */
class FusedIntQdqTest {
    private static final float[] X = {0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 3.5f, -4.5f, 7.5f, 0.49999997f, 2.4999998f,
        -2.5000002f, 1.2f, -3.7f, 0f, 100.5f, -101.5f, 4194303.5f, -4194302.5f, 1048576.5f, 0.50000006f, -7.4999995f};
    private static final float[] HALF_EVEN = {0f, -0f, 2f, -2f, 2f, -2f, 4f, -4f, 8f, 0f, 2f, -3f, 1f, -4f, 0f, 100f,
        -102f, 4194304f, -4194302f, 1048576f, 1f, -7f};

    @Test
    void roundsHalfToEvenLikeTorchRound() {
        String body = "  def forward(self: __torch__.MagicRound,\n    x: Tensor) -> Tensor:\n"
                + FusedIntQdq.roundHalfEven("y", "x") + "    return y\n";
        try (NDManager m = NDManager.newBaseManager()) {
            float[] out = ScriptedFunctions.call("MagicRound", body, m.create(X)).singletonOrThrow().toFloatArray();
            assertArrayEquals(HALF_EVEN, out, 0f);
            assertArrayEquals(m.create(X).round().toFloatArray(), out, 0f, "torch.round itself");
            assertEquals(0f, out[1], 0f, "-0.5 rounds to zero");
        }
    }
}
