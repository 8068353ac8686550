package io.autoround.quant;

import io.autoround.quant.format.HalfFloats;

/**
 * The dtype scales are rounded to inside the quant function ({@code scale_dtype}, fp16 by default, fp32 for
 * GGUF), with the matching {@code q_scale_thresh} (1e-5 for 16-bit scales, 1e-8 for fp32; reference-spec 1.6).
 */
public enum ScaleDtype {
    /** IEEE half precision (the default). */
    FP16,
    /** bfloat16. */
    BF16,
    /** fp32 (no rounding). */
    FP32;

    /** Round a scale to this dtype (round-to-nearest-even). */
    public float round(float x) {
        return switch (this) {
            case FP16 -> HalfFloats.roundToFp16(x);
            case BF16 -> HalfFloats.roundToBf16(x);
            case FP32 -> x;
        };
    }

    /** The minimum scale magnitude (as the Python float the reference compares with). */
    public double threshold() {
        return this == FP32 ? 1e-8 : 1e-5;
    }

    /** The threshold as stored after clamping: the threshold rounded to this dtype (fp16(1e-5) is subnormal). */
    public float clampedThreshold() {
        return round((float) threshold());
    }
}
