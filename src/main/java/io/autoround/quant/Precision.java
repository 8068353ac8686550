package io.autoround.quant;

import io.autoround.quant.format.HalfFloats;

/**
 * The precision in which the reference's elementwise intermediates are rounded (reference-spec 2.4 regime 1,
 * eager PyTorch). {@link #BF16}: the regular flow on a bf16 model, where ops between bf16 tensors round to bf16.
 * {@link #FP32}: the model-free path (weights widened to fp32 first) or an fp32 model.
 */
public enum Precision {
    /** Intermediates kept in fp32. */
    FP32,
    /** Intermediates between bf16 tensors rounded to bf16 (eager regular flow on a bf16 model). */
    BF16;

    /** Round an fp32 intermediate to this precision. */
    public float round(float x) {
        return this == BF16 ? HalfFloats.roundToBf16(x) : x;
    }
}
