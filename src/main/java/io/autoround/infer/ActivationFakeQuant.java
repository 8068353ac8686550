package io.autoround.infer;

import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantScheme;

/**
 * The activation quant-dequant a scheme asks for at inference (reference-spec 7.2, MX/NV modules), in fp32:
 * dynamic MX (mx_fp / mx_fp_rceil) per token in groups of {@code act_group_size}, and NVFP4 with the checkpoint's
 * static {@code input_global_scale}. Other activation schemes (int, FP8 static) are refused by name.
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

    /** True when the scheme needs the checkpoint's static {@code input_global_scale}. */
    static boolean needsInputGlobalScale(QuantScheme s) {
        return ActivationQuant.of(s) == ActivationQuant.NV_STATIC;
    }

    /** x [m, cols] -> its quant-dequant; {@code inputGlobalScale} is used by static NVFP4 only (else NaN). */
    static float[] apply(QuantScheme s, float[] x, int m, int cols, float inputGlobalScale) {
        return ActivationQuant.apply(s, x, m, cols, inputGlobalScale);
    }
}
