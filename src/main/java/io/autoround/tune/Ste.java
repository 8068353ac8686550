package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Straight-through estimators and exact exponent helpers shared by the differentiable quant-dequant classes.
 * The forward value is computed without gradient and the gradient path is added as {@code x - stopGradient(x)},
 * which is exactly zero in the forward pass, so forward values equal the scalar quantizers bit for bit.
 */
final class Ste {
    private Ste() {}

    /** {@code forward} in the forward pass, the identity of {@code x} in the backward pass. */
    static NDArray pass(NDArray x, NDArray forward) {
        return forward.add(x.sub(x.stopGradient()));
    }

    /** floor(x) forward, identity backward (the reference's floor_ste). */
    static NDArray floor(NDArray x) {
        return pass(x, x.stopGradient().floor());
    }

    /** 2^e for an integer-valued e (exact), differentiable in e like torch.pow(2, e). */
    static NDArray pow2(NDArray e) {
        return e.getManager().create(2f).pow(e);
    }

    /**
     * log2(a) of positive a rounded to fp32 as the scalar quantizers compute it ({@code (float) (ln a / ln 2)} in
     * double precision), with no gradient. Used where the reference floors or ceils torch.log2 of an fp32 tensor.
     */
    static NDArray log2f(NDArray a) {
        NDArray d = a.stopGradient().toType(DataType.FLOAT64, false);
        return d.log().div(Math.log(2.0)).toType(DataType.FLOAT32, false);
    }

    /**
     * The exact binary exponent floor(log2 a) of positive finite fp32 a, with no gradient: a double-precision
     * estimate corrected by one step in either direction against exact powers of two.
     */
    static NDArray exponent(NDArray a) {
        NDArray x = a.stopGradient();
        NDArray d = x.toType(DataType.FLOAT64, false);
        NDArray e = d.log().div(Math.log(2.0)).floor();
        NDArray p = pow2(e.toType(DataType.FLOAT32, false)).toType(DataType.FLOAT64, false);
        e = NDArrays.where(p.gt(d), e.sub(1), e);
        p = pow2(e.add(1).toType(DataType.FLOAT32, false)).toType(DataType.FLOAT64, false);
        e = NDArrays.where(p.lte(d), e.add(1), e);
        return e.toType(DataType.FLOAT32, false);
    }

    /** 1/x with 0 for x == 0 (the reference's get_reciprocal), without NaN gradients at 0. */
    static NDArray reciprocal(NDArray x) {
        NDArray zero = x.eq(0f);
        NDArray safe = NDArrays.where(zero, x.onesLike(), x);
        return NDArrays.where(zero, x.zerosLike(), safe.getManager().create(1f).div(safe));
    }
}
