package io.autoround.quant;

import io.autoround.quant.scheme.DataTypes;

/**
 * When the reference runs optimised RTN at {@code iters = 0} ({@code autoround.py::_select_rtn_compressor_base_cls},
 * reference-spec 1.14): {@code disable_opt_rtn} unset means enabled, except for 8-bit INT with activations of
 * 8 bits or more; then GGUF K-quants, symmetric INT below 8 bits, "W..." presets, and schemes that need
 * calibration anyway (NVFP4's static activation global scale, static FP8 activations) use it; asymmetric INT and
 * MXFP in the regular flow stay pure RTN.
 */
public final class OptRtnPolicy {

    private OptRtnPolicy() {
    }

    /**
     * MoE routed experts use pure RTN under optimized RTN unless the user asked for optimized RTN explicitly
     * ({@code --enable_opt_rtn}): the reference does this for speed ({@code quantize_layer_via_rtn}); shared
     * experts keep the search.
     *
     * @param disableOptRtn the user's {@code disable_opt_rtn} (null = unset, FALSE = explicitly enabled)
     */
    public static boolean routedExpertUsesPureRtn(String layerName, Boolean disableOptRtn) {
        return disableOptRtn == null && layerName.contains("expert") && !layerName.contains("shared_expert");
    }

    /**
     * @param presetName the scheme's preset name, or null for a custom scheme
     * @param scheme the resolved scheme
     * @param disableOptRtn the user's {@code disable_opt_rtn} (null = unset)
     * @param iters tuning iterations (opt-RTN only applies at 0)
     */
    public static boolean usesOptimizedRtn(String presetName, QuantScheme scheme, Boolean disableOptRtn, int iters) {
        if (iters != 0 || Boolean.TRUE.equals(disableOptRtn)) {
            return false;
        }
        String dt = scheme.dataType();
        if (disableOptRtn == null && dt.equals("int") && scheme.bits() == 8 && scheme.actBits() >= 8) {
            return false;
        }
        if (dt.endsWith("_dq")) {
            return true;
        }
        boolean needsCalibration = (DataTypes.isNvFp(dt) && scheme.actBits() < 16)
                || (DataTypes.isStandardFp(dt) && scheme.actBits() <= 8 && !scheme.actDynamic());
        if (needsCalibration) {
            return true;
        }
        if (!DataTypes.isPlainInt(dt) || !scheme.sym()) {
            return false;
        }
        return scheme.bits() < 8 || (presetName != null && presetName.toUpperCase().startsWith("W"));
    }
}
