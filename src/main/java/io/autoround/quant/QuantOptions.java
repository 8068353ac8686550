package io.autoround.quant;

/**
 * How to run one layer's quant-dequant.
 *
 * @param precision intermediate rounding: {@link Precision#BF16} for the regular flow on a bf16 model,
 *     {@link Precision#FP32} for the model-free path / fp32 weights
 * @param scaleDtype scale dtype (fp16 default, fp32 for GGUF)
 * @param tuning SignRound parameters (V, min/max factors), {@link TuningParams#NONE} for RTN
 * @param importance per-input-column importance (imatrix = mean of x^2 over calibration tokens), [cols], or null;
 *     used only by optimised RTN
 * @param optimizedRtn run the reference's opt-RTN search for the data type instead of plain RTN
 * @param nvGlobalScale NVFP4 global scale to use (e.g. the shared minimum of fused q/k/v), or NaN to derive it
 *     from this weight
 */
public record QuantOptions(Precision precision, ScaleDtype scaleDtype, TuningParams tuning, float[] importance,
        boolean optimizedRtn, float nvGlobalScale) {

    public QuantOptions {
        if (precision == null || scaleDtype == null) {
            throw new IllegalArgumentException("precision and scaleDtype are required");
        }
        tuning = tuning == null ? TuningParams.NONE : tuning;
    }

    /** Pure RTN with fp16 scales in the given precision. */
    public static QuantOptions rtn(Precision precision) {
        return new QuantOptions(precision, ScaleDtype.FP16, TuningParams.NONE, null, false, Float.NaN);
    }

    /** Optimised RTN with fp16 scales, weighted by {@code importance} (may be null = uniform). */
    public static QuantOptions optimizedRtn(Precision precision, float[] importance) {
        return new QuantOptions(precision, ScaleDtype.FP16, TuningParams.NONE, importance, true, Float.NaN);
    }

    /** Same options with SignRound parameters. */
    public QuantOptions withTuning(TuningParams t) {
        return new QuantOptions(precision, scaleDtype, t, importance, optimizedRtn, nvGlobalScale);
    }

    /** Same options with a fixed NVFP4 global scale. */
    public QuantOptions withNvGlobalScale(float gs) {
        return new QuantOptions(precision, scaleDtype, tuning, importance, optimizedRtn, gs);
    }

    /** Same options with another scale dtype. */
    public QuantOptions withScaleDtype(ScaleDtype d) {
        return new QuantOptions(precision, d, tuning, importance, optimizedRtn, nvGlobalScale);
    }
}
