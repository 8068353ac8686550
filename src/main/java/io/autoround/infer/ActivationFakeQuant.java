package io.autoround.infer;

import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantScheme;

/**
 * The activation quant-dequant a scheme asks for at inference (reference-spec 7.2, MX/NV modules), in fp32:
 * dynamic MX (mx_fp / mx_fp_rceil) per token in groups of {@code act_group_size}, NVFP4 with the checkpoint's
 * static {@code input_global_scale}, FP8 E4M3 with the checkpoint's static {@code input_scale} (FP8_STATIC) or
 * dynamic per token and group (FP8_BLOCK). Other activation schemes are refused by name.
 */
final class ActivationFakeQuant {
    private ActivationFakeQuant() {}

    /** Null when the scheme leaves activations alone or can be served; else the reason it cannot. */
    static String unsupportedReason(QuantScheme s, int cols) {
        return ActivationQuant.unsupportedReason(s, cols);
    }

    /** True when {@link #apply} changes activations for this scheme. */
    static boolean quantizesActivations(QuantScheme s) {
        return ActivationQuant.of(s) != ActivationQuant.NONE;
    }

    /** True when the scheme needs a static activation scale from the checkpoint ({@link #staticScaleTensor}). */
    static boolean needsInputGlobalScale(QuantScheme s) {
        return ActivationQuant.of(s).staticScale();
    }

    /** The per-layer tensor suffix of the static activation scale: NVFP4's input_global_scale, FP8's input_scale. */
    static String staticScaleTensor(QuantScheme s) {
        return ActivationQuant.of(s) == ActivationQuant.FP8_STATIC ? "input_scale" : "input_global_scale";
    }

    /** x [m, cols] -> its quant-dequant; {@code inputGlobalScale} is the static scale (NVFP4 / FP8), else NaN. */
    static float[] apply(QuantScheme s, float[] x, int m, int cols, float inputGlobalScale) {
        return ActivationQuant.apply(s, x, m, cols, inputGlobalScale);
    }
}
