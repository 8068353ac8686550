package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.ScaleDtype;
import java.util.stream.IntStream;

/**
 * The final INT quantization of a tuned Linear computed where it was tuned (reference-spec 1.6 with the best V and
 * min/max scales): scales, zero points and codes come from the device arrays, and only the codes (one byte each),
 * scales and zero points cross to the host, instead of the weight and V in fp32 both ways. The arithmetic is the
 * scalar {@link io.autoround.quant.IntQuantizer}'s, op for op in fp32 (IEEE division, half-to-even rounding, the
 * scale rounded to fp16), so the result is bit-identical to it; the tests hold the two side by side.
 *
 * <p>Covered: int sym and asym with the fp16 scale dtype. Asym without tuned min/max in bf16 rounds its range in
 * bf16, which the device cannot express without a bf16 dtype; such layers stay on the scalar path.
 */
final class DeviceIntFinalization {
    private final Precision precision;
    private final ScaleDtype scaleDtype;

    /**
     * @param precision the precision the dequantized weight is rounded to (the model dtype's)
     * @param scaleDtype the run's scale dtype
     */
    DeviceIntFinalization(Precision precision, ScaleDtype scaleDtype) {
        this.precision = precision;
        this.scaleDtype = scaleDtype;
    }

    /** True when {@code p}'s final quantization can be computed on the device bit-identically. */
    boolean covers(LinearTuningParams p) {
        if (p.type != TunableDataType.INT || scaleDtype != ScaleDtype.FP16 || p.scheme.bits() > 8) {
            return false;
        }
        boolean asymUntunedRange = !p.scheme.sym() && p.minScale == null && p.maxScale == null;
        return !(asymUntunedRange && precision != Precision.FP32);
    }

    /** The stored form and the fake-quantized weight of {@code p} with its current (best) parameters. */
    QuantResult finish(LinearTuningParams p) {
        // every temporary of the computation is freed when the scope closes
        try (NDScope scope = new NDScope()) {
            NDArray w = p.grouped;
            if (p.scheme.sym()) {
                float maxq = 1 << (p.scheme.bits() - 1);
                NDArray a = scaled(p.wmin0.neg(), p.minScale);
                NDArray c = scaled(p.wmax0, p.maxScale);
                // the scalar: wmaxAbs < wminAbs ? wminAbs : -max(wmaxAbs, wminAbs)
                NDArray maxv = NDArrays.where(c.lt(a), a, c.maximum(a).neg());
                NDArray scale = clampSigned(toFp16(maxv.div(maxq)));
                NDArray q = w.div(scale).add(p.v).round().clip(-maxq, maxq - 1).add(maxq);
                return result(p, codesOf(q), scale.toFloatArray(), null, (int) maxq);
            }
            float maxq = (1 << p.scheme.bits()) - 1;
            NDArray wmin = scaled(p.wmin0, p.minScale);
            NDArray wmax = scaled(p.wmax0, p.maxScale);
            NDArray s = toFp16(wmax.sub(wmin).div(maxq));
            NDArray scale = NDArrays.where(s.lt((float) scaleDtype.threshold()),
                    s.onesLike().mul(scaleDtype.clampedThreshold()), s);
            NDArray zero = wmin.neg().div(scale).round();
            NDArray q = w.div(scale).add(p.v).round().add(zero).clip(0f, maxq);
            return result(p, codesOf(q), scale.toFloatArray(), zero.toFloatArray(), 0);
        }
    }

    private static byte[] codesOf(NDArray q) {
        return q.toType(DataType.UINT8, false).toByteArray();
    }

    /** Unpads the device codes and dequantizes them on the host exactly as the scalar quantizer does. */
    private QuantResult result(LinearTuningParams p, byte[] grouped, float[] scales, float[] zeros, int symOffset) {
        int rows = p.rows;
        int cols = p.cols;
        int[] codes = new int[rows * cols];
        float[] deq = new float[rows * cols];
        int[] zp = new int[scales.length];
        for (int i = 0; zeros != null && i < zp.length; i++) {
            zp[i] = (int) zeros[i];
        }
        int groupsPerRow = p.paddedCols / p.groupWidth;
        boolean perTensor = scales.length == 1;
        IntStream.range(0, rows).parallel().forEach(r -> {
            for (int c = 0; c < cols; c++) {
                int code = grouped[r * p.paddedCols + c] & 0xff;
                int g = perTensor ? 0 : r * groupsPerRow + c / p.groupWidth;
                codes[r * cols + c] = code;
                // sym: q = code - 2^(b-1); asym: q - zp with q = code (float subtraction of small integers is exact)
                float level = symOffset > 0 ? code - symOffset : (float) code - zp[g];
                deq[r * cols + c] = precision.round(scales[g] * level);
            }
        });
        int[] storedZeros = p.scheme.sym() ? fill(scales.length, symOffset) : zp;
        return new QuantResult(new QuantizedWeight(p.name, rows, cols, p.scheme, codes, scales, storedZeros, Float.NaN),
                deq);
    }

    private static int[] fill(int n, int value) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, value);
        return out;
    }

    /** {@code bound} times the tuned factor as the scalar path reads it (clamped to [0, 1]); unchanged without one. */
    private static NDArray scaled(NDArray bound, NDArray factor) {
        return factor == null ? bound : bound.mul(factor.clip(0f, 1f));
    }

    private static NDArray toFp16(NDArray x) {
        return x.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
    }

    /** The reference's sign-aware clamp of a symmetric scale, as {@code IntQuantizer.clampSigned}. */
    private NDArray clampSigned(NDArray s) {
        float thr = (float) scaleDtype.threshold();
        float stored = scaleDtype.clampedThreshold();
        NDArray neg = NDArrays.where(s.gt(-thr), s.onesLike().mul(-stored), s);
        NDArray pos = NDArrays.where(s.lt(thr), s.onesLike().mul(stored), s);
        return NDArrays.where(s.lt(0f), neg, pos);
    }
}
