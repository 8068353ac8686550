package io.autoround.quant;

/**
 * MX element formats of the reference's {@code MXFP_FORMAT_CACHE} (reference-spec 2.5): exponent bits, mbits
 * (sign + implicit + mantissa), emax and the largest magnitude.
 *
 * @param name reference name, e.g. {@code mx_fp4}
 * @param ebits exponent bits (0 for MX-INT)
 * @param mbits sign + implicit + mantissa bits
 * @param emax exponent of the largest normal
 * @param maxNorm largest magnitude
 */
public record MxFormat(String name, int ebits, int mbits, int emax, float maxNorm) {

    /** FP4 E2M1. */
    public static final MxFormat FP4 = new MxFormat("mx_fp4", 2, 3, 2, 6.0f);
    /** FP6 E2M3. */
    public static final MxFormat FP6 = new MxFormat("mx_fp6", 2, 5, 2, 7.5f);
    /** FP6 E3M2. */
    public static final MxFormat FP6_E3M2 = new MxFormat("mx_fp6e3m2", 3, 4, 4, 28.0f);
    /** FP8 E4M3. */
    public static final MxFormat FP8 = new MxFormat("mx_fp8", 4, 5, 8, 448.0f);
    /** FP8 E5M2. */
    public static final MxFormat FP8_E5M2 = new MxFormat("mx_fp8e5m2", 5, 4, 15, 57344.0f);

    /**
     * The element format for a data type name and bits: a full name ({@code mx_fp8e5m2}, {@code mx_fp6e3m2}) or
     * the family {@code mx_fp} / {@code mx_fp_rceil} with {@code bits} (which then means mx_fp{bits}).
     */
    public static MxFormat of(String dataType, int bits) {
        String d = dataType.toLowerCase().replace("_rceil", "");
        return switch (d) {
            case "mx_fp4", "mx_fp4e2m1" -> FP4;
            case "mx_fp6", "mx_fp6e2m3" -> FP6;
            case "mx_fp6e3m2" -> FP6_E3M2;
            case "mx_fp8", "mx_fp8e4m3" -> FP8;
            case "mx_fp8e5m2" -> FP8_E5M2;
            case "mx_fp" -> switch (bits) {
                case 4 -> FP4;
                case 6 -> FP6;
                case 8 -> FP8;
                default -> throw new IllegalArgumentException("mx_fp has no " + bits + "-bit element format");
            };
            default -> throw new IllegalArgumentException("Unsupported MX data type '" + dataType
                    + "' (MX-INT and mx_fp16/bf16 are not supported)");
        };
    }

    /** Smallest private exponent of an element ({@code 2 - 2^(ebits-1)}). */
    public int minExponent() {
        return 2 - (1 << (ebits - 1));
    }
}
