package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.MxFormat;
import io.autoround.quant.QuantScheme;
import java.util.function.UnaryOperator;

/**
 * The reference's activation quant-dequant of a Linear input during tuning ({@code WrapperLinear._qdq_act},
 * reference-spec 1.6) as differentiable DJL ops: the input [..., K] is viewed as [tokens * K / G, G] and goes through
 * the weight quant-dequant of its data type with no rounding offset, so the rounding passes gradients straight
 * through to the input. Dynamic MX uses {@link MxQuantDequant} (group max times the optional tunable
 * {@code act_max_scale}); static NVFP4 uses {@link NvFp4QuantDequant} with the global scale {@code 2688 / act_max}.
 * Forward values equal {@link ActivationQuant#apply} bit for bit.
 */
public final class ActivationQuantDequant {
    private ActivationQuantDequant() {}

    /**
     * Fake-quantized input of the same shape.
     *
     * @param layer the layer name, for messages
     * @param x the Linear input [..., K]
     * @param s the layer's scheme (MX dynamic or NVFP4 static activations)
     * @param nvGlobalScale the NVFP4 activation global scale, or NaN to derive it from this input's own max (what
     *     the reference's WrapperWALayer does when it produces the next block's inputs); ignored for MX
     * @param actMaxScale the tunable scalar on the MX group max [1], or null
     */
    public static NDArray qdq(String layer, NDArray x, QuantScheme s, float nvGlobalScale, NDArray actMaxScale) {
        long k = x.getShape().get(x.getShape().dimension() - 1);
        String reason = ActivationQuant.unsupportedReason(s, Math.toIntExact(k));
        if (reason != null) {
            throw new UnsupportedOperationException(layer + ": " + reason + " in SignRound tuning");
        }
        NDArray grouped = x.reshape(-1, s.actGroupSize());
        NDArray q = switch (ActivationQuant.of(s)) {
            case MX_DYNAMIC -> MxQuantDequant.qdq(grouped, null, actMaxScale == null ? null : actMaxScale.reshape(1, 1),
                    MxFormat.of(s.actDataType(), s.actBits()), TunableDataType.rceil(s.actDataType()));
            case NV_STATIC -> NvFp4QuantDequant.qdq(grouped, null, null,
                    Float.isNaN(nvGlobalScale) ? ActivationQuant.nvGlobalScale(x.abs().max().getFloat()) : nvGlobalScale);
            case NONE -> grouped;
            case FP8_STATIC, FP8_DYNAMIC, INT_DYNAMIC -> throw new UnsupportedOperationException("SignRound tuning with"
                    + " FP8 / int activations"
                    + " is not implemented (" + s.actDataType() + " " + s.actBits() + "-bit); use --iters 0");
            case UNSUPPORTED -> throw new IllegalStateException("unreachable");
        };
        return q.reshape(x.getShape());
    }

    /**
     * The input quant-dequant of a finished layer while it produces the next block's quantized inputs, as the
     * reference's WrapperWALayer does: MX with the tuned act_max_scale (NaN = none); NVFP4 with the global scale of
     * each call's own input max, because that layer hands the calibrated act_max to {@code nv_fp4_with_static_gs}
     * under a keyword the function does not read.
     */
    public static UnaryOperator<NDArray> forNextBlockInputs(String layer, QuantScheme s, float actMaxScale) {
        return x -> qdq(layer, x, s, Float.NaN,
                Float.isNaN(actMaxScale) ? null : x.getManager().create(new float[] {actMaxScale}));
    }
}
