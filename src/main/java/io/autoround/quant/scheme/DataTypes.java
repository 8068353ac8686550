package io.autoround.quant.scheme;

import java.util.List;

/**
 * Data-type name rules of the reference ({@code auto_round/utils::infer_bits_by_data_type},
 * {@code schemes.py::_reconcile_bits_and_dtype}): family prefixes, bits embedded in a name, and the bit widths
 * each family supports.
 */
public final class DataTypes {

    /** The reference's {@code SUPPORTED_DTYPES}, in its matching order. */
    public static final List<String> SUPPORTED = List.of("int", "mx_fp", "fp", "nv_fp", "mx_int");

    private DataTypes() {
    }

    /**
     * Bits embedded in a data type name ("mx_fp4" gives 4, "fp8_e4m3" gives 8, "nv_fp4_with_static_gs" gives 4),
     * or null when the name carries none. Like the reference: the first supported prefix followed by one or two
     * digits wins; a null name means 16.
     */
    public static Integer inferBits(String dataType) {
        if (dataType == null) {
            return 16;
        }
        for (String prefix : SUPPORTED) {
            if (dataType.startsWith(prefix) && dataType.length() > prefix.length()) {
                int start = prefix.length();
                int end = Math.min(dataType.length(), start + 2);
                String two = dataType.substring(start, end);
                if (two.length() == 2 && Character.isDigit(two.charAt(0)) && Character.isDigit(two.charAt(1))) {
                    return Integer.parseInt(two);
                }
                if (Character.isDigit(dataType.charAt(start))) {
                    return dataType.charAt(start) - '0';
                }
            }
        }
        return null;
    }

    /** "mx_fp4" becomes "mx_fp", "fp8" becomes "fp": only a bare family name plus its bits is normalised. */
    public static String normalise(String dataType, int bits) {
        for (String prefix : SUPPORTED) {
            if (dataType.equals(prefix + bits)) {
                return prefix;
            }
        }
        return dataType;
    }

    /** True for the MX floating-point family (the reference tests {@code "mx_fp" in name}). */
    public static boolean isMxFp(String dataType) {
        return dataType.toLowerCase().contains("mx_fp");
    }

    /** True for the NVFP family ({@code "nv_fp" in name}); {@code nvfp4_v2} is not part of it. */
    public static boolean isNvFp(String dataType) {
        return dataType.toLowerCase().contains("nv_fp");
    }

    /** True for MX-INT. */
    public static boolean isMxInt(String dataType) {
        return dataType.toLowerCase().contains("mx_int");
    }

    /** True for standard FP (FP8 E4M3/E5M2), i.e. contains "fp" but is neither MX nor NV. */
    public static boolean isStandardFp(String dataType) {
        String d = dataType.toLowerCase();
        return d.contains("fp") && !isMxFp(d) && !isNvFp(d);
    }

    /** True for the plain integer family used by RTN/SignRound ("int", "int_sym", "int_asym"). */
    public static boolean isPlainInt(String dataType) {
        return dataType.equals("int") || dataType.equals("int_sym") || dataType.equals("int_asym");
    }

    /**
     * Bit widths a weight data type supports below 16 (16 and more always mean "keep full precision"); an empty
     * list for names this port does not know.
     */
    public static List<Integer> supportedBits(String dataType) {
        String d = dataType.toLowerCase();
        if (d.endsWith("_dq")) {
            return d.contains("asym") ? List.of(2, 4, 5) : List.of(3, 6);
        }
        if (d.equals("int_asym_float_zp")) {
            return List.of(4, 5);
        }
        if (isPlainInt(d)) {
            return List.of(2, 3, 4, 5, 6, 7, 8);
        }
        if (d.startsWith("nvfp4_v2")) {
            return List.of(4);
        }
        if (isMxInt(d)) {
            return List.of(2, 4, 8);
        }
        if (isMxFp(d)) {
            return List.of(4, 6, 8);
        }
        if (isNvFp(d)) {
            return List.of(4);
        }
        if (isStandardFp(d)) {
            return List.of(8);
        }
        return List.of();
    }
}
