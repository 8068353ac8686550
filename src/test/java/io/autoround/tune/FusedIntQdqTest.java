package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import io.autoround.engine.ScriptedFunctions;
import org.junit.jupiter.api.Test;

/**
 * The ties-to-even correction of the fused quant-dequant, on top of a rounding with ties away from zero (what
 * libtorch's CUDA fuser generates for torch.round) and on top of torch.round itself (the CPU): both must give
 * torch.round's half-to-even results.
 */
class FusedIntQdqTest {
    private static final float[] X = {0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 3.5f, -4.5f, 7.5f, 0.49999997f, 2.4999998f,
        -2.5000002f, 1.2f, -3.7f, 0f, 100.5f, -101.5f};
    private static final float[] HALF_EVEN = {0f, -0f, 2f, -2f, 2f, -2f, 4f, -4f, 8f, 0f, 2f, -3f, 1f, -4f, 0f, 100f,
        -102f};

    @Test
    void tiesAwayFromZeroBecomeTiesToEven() {
        // trunc(x + 0.5 sign(x)) rounds ties away from zero, like C's round(); compared as numbers: -0.5 gives +0.0
        // there where torch.round gives -0.0, which changes no product or sum of the quant-dequant
        assertArrayEquals(HALF_EVEN, rounded("RoundAwayThenEven",
                "torch.trunc(torch.add(%1$s, torch.mul(torch.sign(%1$s), 0.5)))"), 0f);
    }

    @Test
    void halfToEvenRoundingIsLeftAlone() {
        float[] out = rounded("RoundEvenThenEven", "torch.round(%1$s)");
        assertArrayEquals(HALF_EVEN, out);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out[1]), "-0.5 rounds to -0.0 as torch.round gives");
    }

    private static float[] rounded(String cls, String round) {
        String body = "  def forward(self: __torch__." + cls + ",\n    x: Tensor) -> Tensor:\n"
                + FusedIntQdq.roundHalfEven("y", "x", round) + "    return y\n";
        try (NDManager m = NDManager.newBaseManager()) {
            return ScriptedFunctions.call(cls, body, m.create(X)).singletonOrThrow().toFloatArray();
        }
    }
}
