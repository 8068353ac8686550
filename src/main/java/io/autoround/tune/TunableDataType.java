package io.autoround.tune;

import io.autoround.quant.MxFormat;
import io.autoround.quant.MxQuantizer;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.DataTypes;
import java.util.Locale;

/**
 * The weight data types SignRound can tune, i.e. those with a differentiable quant-dequant here: plain int
 * ({@link IntQuantDequant}), MXFP ({@link MxQuantDequant}), NVFP4 with a global scale ({@link NvFp4QuantDequant})
 * and FP8 E4M3 ({@link Fp8QuantDequant}). MX-INT, NVFP4_E5M3 ({@code nvfp4_v2}), FP8 E5M2 and GGUF are not.
 */
public enum TunableDataType {
    INT, MX_FP, NV_FP, FP8_E4M3;

    /** The tunable family of a scheme, or null when SignRound cannot tune its data type. */
    public static TunableDataType of(QuantScheme scheme) {
        String dt = scheme.dataType().toLowerCase(Locale.ROOT);
        if (dt.equals("int")) {
            return INT;
        }
        if (DataTypes.isMxFp(dt)) {
            try {
                MxFormat.of(dt, scheme.bits());
                return MX_FP;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (DataTypes.isNvFp(dt) && scheme.bits() == 4) {
            return NV_FP;
        }
        if ((dt.equals("fp") || dt.equals("fp8") || dt.equals("fp8_sym") || dt.equals("fp8_e4m3")) && scheme.bits() == 8) {
            return FP8_E4M3;
        }
        return null;
    }

    /** Like {@link #of} but throws, naming the layer, for data types SignRound cannot tune. */
    static TunableDataType require(String layer, QuantScheme scheme) {
        TunableDataType t = of(scheme);
        if (t == null) {
            throw new UnsupportedOperationException(layer + ": SignRound tuning of data type '" + scheme.dataType()
                    + "' (" + scheme.bits() + " bits) is not implemented (supported: int, mx_fp, nv_fp, fp8 e4m3); "
                    + "use --iters 0 for this scheme");
        }
        return t;
    }

    /** True when this family uses the rceil shared-exponent rule (MX only). */
    static boolean rceil(QuantScheme scheme) {
        return rceil(scheme.dataType());
    }

    /** True when the MX data type name uses the rceil shared-exponent rule. */
    static boolean rceil(String dataType) {
        return MxQuantizer.isRceil(dataType);
    }

    /** True when the family tunes a min_scale (only int uses the negative range end). */
    boolean tunesMinScale() {
        return this == INT;
    }
}
