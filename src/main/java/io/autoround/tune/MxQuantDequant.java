package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import io.autoround.quant.MxFormat;

/**
 * The reference's MXFP quant-dequant ({@code quant_mx} / {@code quant_mx_rceil}, reference-spec 2.5) as
 * differentiable DJL ops on the grouped view [groups, 32]: shared exponent through floor_ste (ceil_ste for rceil)
 * of log2 of the group max times max_scale, elements {@code quant_element(clamp(x / 2^e + V, ±maxNorm))} with
 * floor_ste on the private exponent and on the half-even rounding. Forward values equal
 * {@link io.autoround.quant.MxQuantizer} bit for bit.
 */
public final class MxQuantDequant {
    private static final float SCALE_EMAX = 127f;

    private MxQuantDequant() {}

    /**
     * Fake-quantized grouped weight.
     *
     * @param grouped [groups, groupWidth]
     * @param v rounding offsets of the same shape, or null
     * @param maxScale per-group factor on the group max [groups, 1] (already clamped to [0, 1]), or null
     */
    public static NDArray qdq(NDArray grouped, NDArray v, NDArray maxScale, MxFormat f, boolean rceil) {
        NDArray maxVal = grouped.abs().max(new int[] {1}, true);
        if (maxScale != null) {
            maxVal = maxVal.mul(maxScale);
        }
        NDArray zero = maxVal.eq(0f);
        // log2 of a safe operand: the reference's where(max == 0, 1, log2(max)) would send NaN gradients at 0
        NDArray safe = NDArrays.where(zero, maxVal.onesLike(), maxVal);
        NDArray sharedExp;
        if (rceil) {
            NDArray ratio = safe.div(f.maxNorm());
            sharedExp = Ste.pass(ratio.log2(), Ste.log2f(ratio).ceil());
        } else {
            sharedExp = Ste.pass(safe.log2(), Ste.log2f(safe).floor()).sub(f.emax());
        }
        NDArray zeroExp = rceil ? maxVal.onesLike() : maxVal.onesLike().sub(f.emax());
        sharedExp = NDArrays.where(zero, zeroExp, sharedExp).clip(-SCALE_EMAX, SCALE_EMAX);
        NDArray scale = Ste.pow2(sharedExp);
        NDArray y = grouped.div(scale);
        if (v != null) {
            y = y.add(v);
        }
        y = y.clip(-f.maxNorm(), f.maxNorm());
        return quantElement(y, f).mul(scale);
    }

    /** The reference's quant_element with "even" mantissa rounding (ebits > 0). */
    static NDArray quantElement(NDArray y, MxFormat f) {
        float frac = Math.scalb(1f, f.mbits() - 2);
        NDArray a = y.abs().add(y.eq(0f).toType(y.getDataType(), false));
        NDArray pe = Ste.pass(a.log2(), Ste.log2f(a).floor())
                .clip(f.minExponent(), Float.POSITIVE_INFINITY);
        NDArray pow = Ste.pow2(pe);
        NDArray t = y.div(pow).mul(frac);
        NDArray abs = t.abs();
        NDArray d = abs.stopGradient().sub(0.5f);
        NDArray tie = d.sub(d.div(2f).floor().mul(2f)).eq(0f).toType(t.getDataType(), false);
        NDArray rounded = Ste.floor(abs.add(0.5f)).sub(tie);
        NDArray q = t.stopGradient().sign().mul(rounded);
        return q.div(frac).mul(pow).clip(-f.maxNorm(), f.maxNorm());
    }
}
