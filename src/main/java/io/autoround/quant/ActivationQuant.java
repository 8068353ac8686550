package io.autoround.quant;

import io.autoround.quant.format.Float8E4M3;
import java.util.Locale;

/**
 * The activation quant-dequant a scheme asks for on the inputs of its Linear layers (reference-spec 1.6, 2.5, 2.6,
 * 7.2), shared by tuning and inference: dynamic MX per token in groups of {@code act_group_size}, or NVFP4 with a
 * static global scale {@code 2688 / act_max} from calibration ({@code nv_fp4_with_static_gs}), FP8 E4M3 with a
 * calibrated per-tensor {@code input_scale} (FP8_STATIC) or dynamic per token and group (FP8_BLOCK), and symmetric int
 * per token (INT8 W8A8, the reference's int_sym on the inputs). This class holds
 * the scalar fp32 implementations, the oracle of the differentiable DJL version used in tuning.
 */
public enum ActivationQuant {
    /** act_bits >= 16: inputs are left alone. */
    NONE,
    /** mx_fp / mx_fp_rceil, dynamic: shared exponent per group of the current input. */
    MX_DYNAMIC,
    /** NVFP4 activations with a calibrated global scale (the checkpoint's input_global_scale). */
    NV_STATIC,
    /** FP8 E4M3 activations with one static per-tensor scale (FP8_STATIC; the checkpoint's input_scale). */
    FP8_STATIC,
    /** FP8 E4M3 activations, dynamic: one scale per token and group of act_group_size inputs (FP8_BLOCK). */
    FP8_DYNAMIC,
    /** Symmetric int activations, dynamic: int_sym per token (act_group_size -1) or per token and group (INT8 W8A8). */
    INT_DYNAMIC,
    /** Any other activation scheme (static or asymmetric int, grouped static FP8, MX-INT, ...): not implemented here. */
    UNSUPPORTED;

    private static final float FP4_E4M3 = 448f * 6f;

    /** The kind of activation quantization of {@code s} (NONE for null and 16-bit schemes). */
    public static ActivationQuant of(QuantScheme s) {
        if (s == null || s.actBits() >= 16) {
            return NONE;
        }
        String act = s.actDataType().toLowerCase(Locale.ROOT);
        if ("nv_fp4_with_static_gs".equals(act) || ("nv_fp".equals(s.dataType()) && !s.actDynamic() && s.actBits() == 4)) {
            return NV_STATIC;
        }
        if ("fp".equals(act) && s.actBits() == 8) {
            if (!s.actDynamic() && s.actGroupSize() == 0) {
                return FP8_STATIC;
            }
            return s.actDynamic() && s.actGroupSize() != 0 ? FP8_DYNAMIC : UNSUPPORTED;
        }
        if ("int".equals(act) && s.actDynamic() && s.actSym() && s.actBits() >= 2 && s.actBits() <= 8
                && s.actGroupSize() != 0) {
            return INT_DYNAMIC;
        }
        if (act.startsWith("mx_fp") && s.actDynamic()) {
            try {
                MxFormat.of(act, s.actBits());
                return MX_DYNAMIC;
            } catch (IllegalArgumentException e) {
                return UNSUPPORTED;
            }
        }
        return UNSUPPORTED;
    }

    /** Null when this layer's inputs can be fake-quantized (or need nothing); else the reason they cannot. */
    public static String unsupportedReason(QuantScheme s, int cols) {
        ActivationQuant kind = of(s);
        if (kind == NONE) {
            return null;
        }
        if (kind == UNSUPPORTED) {
            return "activation quantization " + s.actDataType() + " " + s.actBits() + "-bit"
                    + (s.actDynamic() ? "" : " (static)") + " is not implemented";
        }
        if (kind == FP8_STATIC || kind == FP8_DYNAMIC || kind == INT_DYNAMIC) {
            return null; // per tensor, per token, or per token and group with a shorter last group (zero padding)
        }
        if (s.actGroupSize() <= 0 || cols % s.actGroupSize() != 0) {
            return "activation groups of " + s.actGroupSize() + " (" + s.actDataType() + ") do not divide in_features "
                    + cols;
        }
        return null;
    }

    /** The reference's static activation global scale {@code 2688 * rcp(act_max)} (nv_fp4_with_static_gs). */
    public static float nvGlobalScale(float actMax) {
        return FP4_E4M3 * (actMax == 0f ? 0f : 1f / actMax);
    }

    /** True for the kinds SignRound can tune through (the others are RTN / optimized-RTN only). */
    public boolean tunable() {
        return this == NONE || this == MX_DYNAMIC || this == NV_STATIC;
    }

    /** True when the kind needs a calibrated static scale per layer (NVFP4's input_global_scale, FP8's input_scale). */
    public boolean staticScale() {
        return this == NV_STATIC || this == FP8_STATIC;
    }

    /**
     * FP8_STATIC's activation scale from the calibrated max |input| (fp8_sym with {@code tensor_max = act_max}):
     * {@code max(act_max / 448, 1/(448*512))}, rounded to the checkpoint's precision as it is stored.
     */
    public static float fp8InputScale(float actMax, Precision precision) {
        return precision.round(Math.max(actMax / Float8E4M3.MAX, Fp8Quantizer.MIN_SCALE));
    }

    /** The scheme the activations are quantized with, as a weight scheme of their own (rows = tokens). */
    public static QuantScheme activationScheme(QuantScheme s) {
        String dt = of(s) == NV_STATIC ? "nv_fp" : s.actDataType();
        return new QuantScheme(s.actBits(), s.actGroupSize(), s.actSym(), dt, 16, s.actGroupSize(), s.actSym(),
                "float", true, null, null);
    }

    /**
     * Scalar fp32 quant-dequant of {@code x} [m, cols] for scheme {@code s}.
     *
     * @param inputGlobalScale the NVFP4 activation global scale, or FP8_STATIC's input_scale (ignored otherwise)
     */
    public static float[] apply(QuantScheme s, float[] x, int m, int cols, float inputGlobalScale) {
        ActivationQuant kind = of(s);
        String reason = unsupportedReason(s, cols);
        if (reason != null) {
            throw new UnsupportedOperationException(reason);
        }
        QuantOptions rtn = QuantOptions.rtn(Precision.FP32);
        return switch (kind) {
            case NONE -> x;
            case MX_DYNAMIC -> MxQuantizer.quantize("activations", x, m, cols, activationScheme(s), rtn).dequantized();
            case NV_STATIC -> {
                if (!(inputGlobalScale > 0) || !Float.isFinite(inputGlobalScale)) {
                    throw new IllegalArgumentException("NVFP4 activations need a positive finite input_global_scale, got "
                            + inputGlobalScale);
                }
                yield NvFp4Quantizer.quantize("activations", x, m, cols, activationScheme(s),
                        rtn.withNvGlobalScale(inputGlobalScale)).dequantized();
            }
            case FP8_STATIC -> {
                if (!(inputGlobalScale > 0) || !Float.isFinite(inputGlobalScale)) {
                    throw new IllegalArgumentException("static FP8 activations need a positive finite input_scale, got "
                            + inputGlobalScale);
                }
                yield Fp8Activations.staticQdq(x, inputGlobalScale);
            }
            case FP8_DYNAMIC -> Fp8Activations.dynamicQdq(x, m, cols, s.actGroupSize() > 0 ? s.actGroupSize() : cols);
            case INT_DYNAMIC -> IntQuantizer.quantize("activations", x, m, cols, activationScheme(s), rtn).dequantized();
            case UNSUPPORTED -> throw new IllegalStateException("unreachable");
        };
    }
}
