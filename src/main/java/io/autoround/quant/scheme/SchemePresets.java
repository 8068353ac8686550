package io.autoround.quant.scheme;

import io.autoround.quant.QuantScheme;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The reference's {@code PRESET_SCHEMES} (reference-spec 2.2, AutoRound 0.15.0) as raw field maps (unset
 * activation fields are absent, exactly as the Python dataclasses leave them None) plus the resolved
 * {@link QuantScheme}s. Names are matched case-insensitively.
 */
public final class SchemePresets {

    /** Scheme keys in the order of the reference dataclass (rotation_config is not supported here). */
    public static final java.util.List<String> KEYS = java.util.List.of("bits", "group_size", "sym", "data_type",
            "act_bits", "act_group_size", "act_sym", "act_data_type", "act_dynamic", "super_bits",
            "super_group_size");

    private static final Map<String, Map<String, Object>> RAW = new LinkedHashMap<>();

    static {
        for (String name : new String[] {"W4A16", "W2A16", "W3A16", "W5A16", "W6A16", "W8A16"}) {
            putInt(name, name.charAt(1) - '0', 128);
        }
        putInt("W2A16G64", 2, 64);
        putInt("W2A16G32", 2, 32);
        putMx("MXFP4", 4, "mx_fp", "mx_fp");
        putMx("MXFP4_RCEIL", 4, "mx_fp", "mx_fp_rceil");
        putMx("MXFP6", 6, "mx_fp", "mx_fp");
        putMx("MXFP8", 8, "mx_fp", "mx_fp");
        putMx("MXFP8_RCEIL", 8, "mx_fp", "mx_fp_rceil");
        putMx("MXINT4", 4, "mx_int", "mx_int");
        RAW.put("NVFP4", map("bits", 4, "group_size", 16, "data_type", "nv_fp", "act_bits", 4,
                "act_data_type", "nv_fp4_with_static_gs", "act_group_size", 16, "act_sym", true, "act_dynamic", false));
        RAW.put("NVFP4_E5M3", map("bits", 4, "group_size", 16, "data_type", "nvfp4_v2", "act_bits", 4,
                "act_data_type", "nvfp4_v2", "act_group_size", 16, "act_sym", true));
        RAW.put("FPW8A16", map("bits", 8, "group_size", 0, "data_type", "fp", "act_bits", 16, "act_data_type", "fp"));
        RAW.put("FP8_BLOCK", map("bits", 8, "group_size", java.util.List.of(128, 128), "data_type", "fp", "act_bits", 8,
                "act_group_size", 128, "act_data_type", "fp", "act_dynamic", true, "act_sym", true));
        RAW.put("FP8_STATIC", map("bits", 8, "group_size", -1, "data_type", "fp", "act_bits", 8,
                "act_group_size", 0, "act_data_type", "fp", "act_dynamic", false, "act_sym", true));
        RAW.put("BF16", map("bits", 16, "group_size", 128, "data_type", "fp", "act_bits", 16, "act_data_type", "fp"));
        RAW.put("W4A16_MIXED", RAW.get("W4A16"));
        RAW.put("INT4", intWithActs(4));
        RAW.put("INT8", intWithActs(8));
        RAW.put("INT8_W8A8", RAW.get("INT8"));
        putGguf("GGUF:Q4_0", 4, 32, true, "int", null, null);
        putGguf("GGUF:Q4_1", 4, 32, false, "int_asym_float_zp", null, null);
        putGguf("GGUF:Q5_0", 5, 32, true, "int", null, null);
        putGguf("GGUF:Q5_1", 5, 32, false, "int_asym_float_zp", null, null);
        for (String s : new String[] {"GGUF:Q2_K_S", "GGUF:Q2_K_MIXED"}) {
            putGguf(s, 2, 16, false, "int_asym_dq", 4, 16);
        }
        for (String s : new String[] {"GGUF:Q3_K_S", "GGUF:Q3_K_M", "GGUF:Q3_K_L"}) {
            putGguf(s, 3, 16, true, "int_sym_dq", 6, 16);
        }
        for (String s : new String[] {"GGUF:Q4_K_S", "GGUF:Q4_K_M"}) {
            putGguf(s, 4, 32, false, "int_asym_dq", 6, 8);
        }
        for (String s : new String[] {"GGUF:Q5_K_S", "GGUF:Q5_K_M"}) {
            putGguf(s, 5, 32, false, "int_asym_dq", 6, 8);
        }
        putGguf("GGUF:Q6_K", 6, 16, true, "int_sym_dq", 8, 16);
        putGguf("GGUF:Q8_0", 8, 32, true, "int", null, null);
    }

    private SchemePresets() {
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static void putInt(String name, int bits, int group) {
        RAW.put(name, map("bits", bits, "group_size", group, "sym", true, "data_type", "int", "act_bits", 16));
    }

    private static Map<String, Object> intWithActs(int bits) {
        return map("bits", bits, "group_size", -1, "data_type", "int", "sym", true, "act_bits", bits,
                "act_group_size", -1, "act_data_type", "int", "act_dynamic", true, "act_sym", true);
    }

    private static void putMx(String name, int bits, String dataType, String actDataType) {
        RAW.put(name, map("bits", bits, "group_size", 32, "data_type", dataType, "act_bits", bits,
                "act_data_type", actDataType, "act_group_size", 32, "act_sym", true, "act_dynamic", true));
    }

    private static void putGguf(String name, int bits, int group, boolean sym, String dataType, Integer superBits,
            Integer superGroup) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", bits);
        m.put("act_bits", 16);
        m.put("group_size", group);
        m.put("sym", sym);
        m.put("data_type", dataType);
        if (superBits != null) {
            m.put("super_bits", superBits);
            m.put("super_group_size", superGroup);
        }
        RAW.put(name, Collections.unmodifiableMap(m));
    }

    /** Canonical (upper-case, unquoted, trimmed) form of a preset name. */
    public static String canonicalName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("scheme name is null; valid names: " + names());
        }
        return name.strip().replaceAll("^['\"]+|['\"]+$", "").strip().toUpperCase(Locale.ROOT);
    }

    /** True if {@code name} (any case) is a preset. */
    public static boolean isPreset(String name) {
        return name != null && RAW.containsKey(canonicalName(name));
    }

    /** True for the GGUF presets. */
    public static boolean isGguf(String name) {
        return name != null && canonicalName(name).startsWith("GGUF");
    }

    /** All preset names, in the reference's order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(RAW.keySet());
    }

    /** The raw preset fields (absent = unset), or an exception listing the valid names. */
    public static Map<String, Object> raw(String name) {
        String key = canonicalName(name);
        Map<String, Object> m = RAW.get(key);
        if (m == null) {
            throw new IllegalArgumentException("Unknown scheme '" + name + "'; valid names: " + String.join(", ", names()));
        }
        return m;
    }

    /** The resolved scheme of a preset (activation fields defaulted as the reference does). */
    public static QuantScheme get(String name) {
        return SchemeResolver.resolve(name, Map.of());
    }
}
