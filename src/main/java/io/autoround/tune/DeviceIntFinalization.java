package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.autoround.engine.ScriptedFunctions;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.ScaleDtype;
import java.util.stream.IntStream;

/**
 * The final INT quantization of a tuned Linear computed where it was tuned (reference-spec 1.6 with the best V and
 * min/max scales): scales, zero points, codes and the fake-quantized weight come from the device arrays; only the
 * codes (one byte each), scales and zero points cross to the host, and the fake-quantized weight stays on the device
 * for the next block's inputs, instead of the weight and V crossing in fp32 both ways. The arithmetic is the
 * scalar {@link io.autoround.quant.IntQuantizer}'s, op for op in fp32 (IEEE division, half-to-even rounding, the
 * scale rounded to fp16), so the result is bit-identical to it; the tests hold the two side by side.
 *
 * <p>Covered: int sym and asym with the fp16 scale dtype. Asym without tuned min/max in bf16 rounds its range in
 * bf16, which the device cannot express without a bf16 dtype; such layers stay on the scalar path.
 */
final class DeviceIntFinalization {
    private static final String ROUND_TO_BF16 = """
              def forward(self: __torch__.RoundToBf16,
                x: Tensor) -> Tensor:
                return torch.to(torch.to(x, 15), 6)
            """;
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

    /**
     * The stored form and the fake-quantized weight of {@code p} with its current (best) parameters; the latter stays
     * on the device, owned by {@code owner}.
     */
    FinalizedLinear finish(LinearTuningParams p, NDManager owner) {
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
                NDArray level = w.div(scale).add(p.v).round().clip(-maxq, maxq - 1);
                return result(p, codesOf(level.add(maxq)), scale.toFloatArray(), null, (int) maxq,
                        dequantized(p, level.mul(scale), owner));
            }
            float maxq = (1 << p.scheme.bits()) - 1;
            NDArray wmin = scaled(p.wmin0, p.minScale);
            NDArray wmax = scaled(p.wmax0, p.maxScale);
            NDArray s = toFp16(wmax.sub(wmin).div(maxq));
            NDArray scale = NDArrays.where(s.lt((float) scaleDtype.threshold()),
                    s.onesLike().mul(scaleDtype.clampedThreshold()), s);
            NDArray zero = wmin.neg().div(scale).round();
            NDArray q = w.div(scale).add(p.v).round().add(zero).clip(0f, maxq);
            return result(p, codesOf(q), scale.toFloatArray(), zero.toFloatArray(), 0,
                    dequantized(p, q.sub(zero).mul(scale), owner));
        }
    }

    private static byte[] codesOf(NDArray q) {
        return q.toType(DataType.UINT8, false).toByteArray();
    }

    /**
     * The fake-quantized weight [rows, cols] from its grouped form: rounded to the model precision as the scalar
     * quantizer does (bf16 by a TorchScript cast, as DJL has no bf16 arrays), unpadded, moved out of the scope.
     */
    private NDArray dequantized(LinearTuningParams p, NDArray grouped, NDManager owner) {
        NDArray rounded = precision == Precision.BF16 ? ScriptedFunctions.call("RoundToBf16", ROUND_TO_BF16, grouped)
                .singletonOrThrow() : grouped;
        NDArray full = rounded.reshape(p.rows, p.paddedCols);
        NDArray out = p.paddedCols == p.cols ? full : full.get(new NDIndex(":, :" + p.cols)).duplicate();
        NDScope.unregister(out);
        out.attach(owner);
        return out;
    }

    /** Unpads the device codes into the stored form (codes are one byte each on the way over). */
    private static FinalizedLinear result(LinearTuningParams p, byte[] grouped, float[] scales, float[] zeros,
            int symOffset, NDArray dequantized) {
        int rows = p.rows;
        int cols = p.cols;
        int[] codes = new int[rows * cols];
        int[] zp = new int[scales.length];
        for (int i = 0; zeros != null && i < zp.length; i++) {
            zp[i] = (int) zeros[i];
        }
        IntStream.range(0, rows).parallel().forEach(r -> {
            for (int c = 0; c < cols; c++) {
                codes[r * cols + c] = grouped[r * p.paddedCols + c] & 0xff;
            }
        });
        int[] storedZeros = p.scheme.sym() ? fill(scales.length, symOffset) : zp;
        return new FinalizedLinear(new QuantizedWeight(p.name, rows, cols, p.scheme, codes, scales, storedZeros, Float.NaN),
                dequantized);
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
