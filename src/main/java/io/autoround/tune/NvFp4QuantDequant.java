package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * The reference's NVFP4 quant-dequant ({@code nv_fp4 / ref_nvfp4_quant}, reference-spec 2.6) as differentiable DJL
 * ops on the grouped view [groups, 16]: block scale {@code e4m3(clamp(gs * (max|x| * maxScale * (1/6)), ±448))}
 * through an STE, {@code r = rcp(s * rcp(gs))}, elements {@code fp4(clamp(x * r + V, ±6)) * rcp(r)} with the fp4
 * rounding through an STE. The global scale gs is a per-layer constant (shared by fused projections). Forward
 * values equal {@link io.autoround.quant.NvFp4Quantizer} bit for bit.
 */
public final class NvFp4QuantDequant {
    private static final float E4M3_MAX = 448f;
    private static final float FP4_MAX = 6f;
    private static final float INV_FP4_MAX = (float) (1.0 / 6.0);

    private NvFp4QuantDequant() {}

    /**
     * Fake-quantized grouped weight.
     *
     * @param grouped [groups, 16]
     * @param v rounding offsets of the same shape, or null
     * @param maxScale per-group factor on the block max [groups, 1] (already clamped to [0, 1]), or null
     * @param globalScale the layer's global scale
     */
    public static NDArray qdq(NDArray grouped, NDArray v, NDArray maxScale, float globalScale) {
        NDArray vmax = grouped.abs().max(new int[] {1}, true);
        if (maxScale != null) {
            vmax = vmax.mul(maxScale);
        }
        NDArray s = vmax.mul(INV_FP4_MAX).mul(globalScale).clip(-E4M3_MAX, E4M3_MAX);
        s = Ste.pass(s, E4m3Rounding.round(s));
        float invGs = globalScale == 0f ? 0f : 1f / globalScale;
        NDArray outScale = Ste.reciprocal(s.mul(invGs));
        NDArray y = grouped.mul(outScale);
        if (v != null) {
            y = y.add(v);
        }
        y = y.clip(-FP4_MAX, FP4_MAX);
        return fp4(y).mul(Ste.reciprocal(outScale));
    }

    /**
     * cast_to_fp4: on |y| halves below 2, integers below 4, even integers above, half-to-even, sign re-applied;
     * gradient 1 through |y| (so 0 at y = 0, as torch.abs gives).
     */
    static NDArray fp4(NDArray y) {
        NDArray a = y.abs();
        NDArray x = a.stopGradient();
        NDArray r = NDArrays.where(x.lt(2f), x.mul(2f).round().div(2f),
                NDArrays.where(x.lt(4f), x.round(), x.div(2f).round().mul(2f))).minimum(FP4_MAX);
        return Ste.pass(a, r).mul(y.stopGradient().sign());
    }
}
