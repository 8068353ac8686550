package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * The reference's int quant-dequant (reference-spec 1.6) as differentiable DJL ops for tuning: rounding through a
 * straight-through estimator, the scale rounded to fp16 inside the loop (also through an STE), clipping scales
 * entering through the group min/max. Operates on the grouped view [groups, groupWidth] of a weight.
 * The plain scalar implementation in {@code io.autoround.quant} is the oracle this is tested against.
 */
public final class IntQuantDequant {
    private IntQuantDequant() {}

    /** x rounded half-to-even in the forward pass, identity in the backward pass. */
    static NDArray roundSte(NDArray x) {
        return x.add(x.round().sub(x).stopGradient());
    }

    /** x rounded to the nearest fp16 value in the forward pass, identity in the backward pass. */
    static NDArray fp16Ste(NDArray x) {
        NDArray r = x.stopGradient().toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
        return x.add(r.sub(x).stopGradient());
    }

    /**
     * Scales of one grouped weight.
     *
     * @param wmin0 per-group min(0, min(w)) [groups, 1]
     * @param wmax0 per-group max(0, max(w)) [groups, 1]
     * @param minScale clipping scale of the negative side (already bounded to [0, 1]) [groups, 1], or null
     * @param maxScale clipping scale of the positive side [groups, 1], or null
     */
    public static NDArray symScale(NDArray wmin0, NDArray wmax0, NDArray minScale, NDArray maxScale, int bits,
            float thresh, boolean fp16Scale) {
        float maxq = 1 << (bits - 1);
        NDArray a = wmin0.neg();
        NDArray c = wmax0;
        if (minScale != null) {
            a = a.mul(minScale);
            c = c.mul(maxScale);
        }
        NDArray maxv = NDArrays.where(c.lt(a), a, c.neg());
        NDArray scale = maxv.div(maxq);
        if (fp16Scale) {
            scale = fp16Ste(scale);
        }
        return NDArrays.where(scale.lt(0f), scale.minimum(-thresh), scale.maximum(thresh));
    }

    /** Symmetric full-range quant-dequant: scale * clamp(round(w/scale + v), -maxq, maxq - 1). */
    public static NDArray sym(NDArray w, NDArray v, NDArray scale, int bits) {
        float maxq = 1 << (bits - 1);
        NDArray z = w.div(scale);
        if (v != null) {
            z = z.add(v);
        }
        return roundSte(z).clip(-maxq, maxq - 1).mul(scale);
    }

    /** Asymmetric scale: (wmax - wmin) / (2^b - 1), fp16, at least thresh. */
    public static NDArray asymScale(NDArray wmin, NDArray wmax, int bits, float thresh, boolean fp16Scale) {
        float maxq = (1 << bits) - 1;
        NDArray scale = wmax.sub(wmin).div(maxq);
        if (fp16Scale) {
            scale = fp16Ste(scale);
        }
        return scale.maximum(thresh);
    }

    /**
     * {scale, zero point} [groups, 1] of an asymmetric layer, differentiable in the clipping scales: the range is
     * wmin0 * minScale .. wmax0 * maxScale, the zero point round(-wmin / scale) through a straight-through estimator.
     */
    static NDArray[] asymScaleAndZero(NDArray wmin0, NDArray wmax0, NDArray minScale, NDArray maxScale, int bits,
            float thresh, boolean fp16Scale) {
        NDArray wmin = minScale == null ? wmin0 : wmin0.mul(minScale);
        NDArray wmax = maxScale == null ? wmax0 : wmax0.mul(maxScale);
        NDArray scale = asymScale(wmin, wmax, bits, thresh, fp16Scale);
        return new NDArray[] {scale, roundSte(wmin.neg().div(scale))};
    }

    /** Asymmetric quant-dequant with clipping scales; returns scale * (q - zp). */
    public static NDArray asym(NDArray w, NDArray v, NDArray wmin0, NDArray wmax0, NDArray minScale, NDArray maxScale,
            int bits, float thresh, boolean fp16Scale) {
        float maxq = (1 << bits) - 1;
        NDArray[] sz = asymScaleAndZero(wmin0, wmax0, minScale, maxScale, bits, thresh, fp16Scale);
        NDArray scale = sz[0];
        NDArray zp = sz[1];
        NDArray z = w.div(scale);
        if (v != null) {
            z = z.add(v);
        }
        NDArray q = roundSte(z).add(zp).clip(0f, maxq);
        return q.sub(zp).mul(scale);
    }
}
