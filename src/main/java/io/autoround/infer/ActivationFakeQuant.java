package io.autoround.infer;

import io.autoround.quant.MxQuantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantScheme;

/**
 * The activation quant-dequant a scheme asks for at inference (reference-spec 7.2, MX modules): dynamic MX
 * (mx_fp / mx_fp_rceil) per token in groups of {@code act_group_size}, in fp32. Other activation schemes (static
 * NVFP4 with its calibrated input_global_scale, int activations) are not implemented and are refused by name.
 */
final class ActivationFakeQuant {
    private ActivationFakeQuant() {}

    /** Null when the scheme leaves activations alone or can be served; else the reason it cannot. */
    static String unsupportedReason(QuantScheme s, int cols) {
        if (s.actBits() >= 16) {
            return null;
        }
        if (!s.actDataType().startsWith("mx_fp") || !s.actDynamic()) {
            return "activation quantization " + s.actDataType() + " " + s.actBits() + "-bit"
                    + (s.actDynamic() ? "" : " (static)") + " is not implemented";
        }
        if (s.actGroupSize() <= 0 || cols % s.actGroupSize() != 0) {
            return "MX activation groups of " + s.actGroupSize() + " do not divide in_features " + cols;
        }
        return null;
    }

    /** True when {@link #apply} changes activations for this scheme. */
    static boolean quantizesActivations(QuantScheme s) {
        return s.actBits() < 16;
    }

    /** x [m, cols] -> its quant-dequant. */
    static float[] apply(QuantScheme s, float[] x, int m, int cols) {
        QuantScheme act = new QuantScheme(s.actBits(), s.actGroupSize(), s.actSym(), s.actDataType(), 16,
                s.actGroupSize(), s.actSym(), "float", true, null, null);
        return MxQuantizer.quantize("activations", x, m, cols, act, QuantOptions.rtn(Precision.FP32)).dequantized();
    }
}
