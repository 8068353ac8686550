package io.autoround.quant.scheme;

import io.autoround.quant.QuantScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a preset name or scheme plus user overrides into a validated {@link QuantScheme}, following
 * {@code schemes.py::_override_scheme_with_user_specify} and {@code check_config} (reference-spec 2.1).
 */
public final class SchemeResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SchemeResolver.class);

    private SchemeResolver() {
    }

    /** Resolve a preset name (case-insensitive) with overrides keyed by the reference's field names. */
    public static QuantScheme resolve(String presetName, Map<String, ?> overrides) {
        Map<String, ?> user = overrides == null ? Map.of() : overrides;
        String name = SchemePresets.canonicalName(presetName);
        Object dtOverride = user.get("data_type");
        if (!SchemePresets.isGguf(name) && dtOverride instanceof String dt && dt.endsWith("_dq")) {
            name = ggufNameForDoubleQuant(dt, user);
        }
        if (SchemePresets.isGguf(name) && !user.isEmpty()) {
            LOG.warn("When using GGUF scheme {}, user-specified overrides {} are ignored", name, user.keySet());
            user = Map.of();
        }
        Map<String, Object> fields = new LinkedHashMap<>(SchemePresets.raw(name));
        return resolveFields(fields, user);
    }

    /** Resolve an already-built scheme with overrides (the scheme's values are the base). */
    public static QuantScheme resolve(QuantScheme base, Map<String, ?> overrides) {
        Map<String, ?> user = overrides == null ? Map.of() : overrides;
        if (user.get("data_type") instanceof String dt && dt.endsWith("_dq")) {
            return resolve(ggufNameForDoubleQuant(dt, user), Map.of());
        }
        return resolveFields(toFields(base), user);
    }

    /** Resolve a raw field map (absent or null values = unset) with overrides. */
    public static QuantScheme resolveFields(Map<String, ?> baseFields, Map<String, ?> overrides) {
        Map<String, Object> f = new LinkedHashMap<>();
        baseFields.forEach((k, v) -> {
            if (v != null) {
                f.put(k, v);
            }
        });
        if (overrides != null) {
            for (Map.Entry<String, ?> e : overrides.entrySet()) {
                if (!SchemePresets.KEYS.contains(e.getKey())) {
                    throw new IllegalArgumentException("Invalid scheme key '" + e.getKey() + "'; allowed keys: "
                            + SchemePresets.KEYS);
                }
                if (e.getValue() == null) {
                    f.remove(e.getKey());
                } else {
                    f.put(e.getKey(), e.getValue());
                }
            }
        }
        int bits = intOf(f, "bits", 4);
        int[] block = blockOf(f.get("group_size"));
        if (block != null) {
            f.put("group_size", block[1]);
        }
        int groupSize = intOf(f, "group_size", 128);
        boolean sym = boolOf(f, "sym", true);
        String dataType = strOf(f, "data_type", "int");
        // Reconcile bits with a data type that embeds them ("mx_fp4", "fp8", "nv_fp4").
        Integer inferred = DataTypes.inferBits(dataType);
        if (inferred != null && inferred < 16) {
            if (inferred != bits) {
                LOG.warn("'data_type' {} does not match 'bits' {}; resetting 'bits' to {}", dataType, bits, inferred);
                bits = inferred;
            }
            dataType = DataTypes.normalise(dataType, inferred);
        }
        boolean actDynamic = boolOf(f, "act_dynamic", true);
        int actGroupSize = intOf(f, "act_group_size", groupSize);
        int actBits = intOf(f, "act_bits", 16) == 0 ? 16 : intOf(f, "act_bits", 16);
        boolean actSym = boolOf(f, "act_sym", sym);
        String actDataType = strOf(f, "act_data_type", null);
        if (actDataType == null) {
            actDataType = DataTypes.SUPPORTED.contains(dataType) && actBits < 16 ? dataType : "float";
        }
        Integer actInferred = DataTypes.inferBits(actDataType);
        if (actInferred != null && actInferred < 16) {
            actBits = actInferred;
            actDataType = DataTypes.normalise(actDataType, actInferred);
        }
        Integer superBits = f.get("super_bits") == null ? null : intOf(f, "super_bits", 0);
        Integer superGroup = f.get("super_group_size") == null ? null : intOf(f, "super_group_size", 0);
        QuantScheme s = new QuantScheme(bits, groupSize, sym, dataType, actBits, actGroupSize, actSym, actDataType,
                actDynamic, superBits, superGroup, block == null ? 0 : block[0]);
        validate(s);
        return s;
    }

    /**
     * Check a scheme the way {@code check_config} does, plus the bit widths each family supports; throws
     * {@link IllegalArgumentException} naming the problem.
     */
    public static void validate(QuantScheme s) {
        if (s.bits() <= 0) {
            throw new IllegalArgumentException("bits must be > 0, got " + s.bits());
        }
        checkFullPrecisionBits("bits", s.bits(), s.dataType());
        if ((s.superBits() != null || s.superGroupSize() != null) && s.bits() < 16
                && !s.dataType().toLowerCase(java.util.Locale.ROOT).endsWith("_dq")) {
            throw new IllegalArgumentException("super_bits/super_group_size (" + s.superBits() + "/" + s.superGroupSize()
                    + ") apply only to the GGUF k-quant data types int_asym_dq and int_sym_dq, not to data_type '"
                    + s.dataType() + "': drop them or use a GGUF scheme (e.g. --scheme gguf:q4_k_m)");
        }
        checkFullPrecisionBits("act_bits", s.actBits(), s.actDataType());
        if (s.groupSize() < -1) {
            throw new IllegalArgumentException("group_size must be -1 (per channel), 0 (per tensor) or > 0, got "
                    + s.groupSize());
        }
        if (s.actBits() <= 0) {
            throw new IllegalArgumentException("act_bits must be > 0, got " + s.actBits());
        }
        if (s.blocks2d() && !("fp".equals(s.dataType()) && s.bits() == 8 && s.actBits() == 8
                && "fp".equals(s.actDataType()) && s.actDynamic())) {
            throw new IllegalArgumentException("a tuple group_size (" + s.blockRows() + ", " + s.groupSize() + ") is only"
                    + " allowed for FP8 weights with dynamic FP8 activations (FP8_BLOCK), got data_type '"
                    + s.dataType() + "' " + s.bits() + "-bit, act_data_type '" + s.actDataType() + "' " + s.actBits()
                    + "-bit" + (s.actDynamic() ? "" : " static"));
        }
        if (s.bits() < 16) {
            List<Integer> allowed = DataTypes.supportedBits(s.dataType());
            if (allowed.isEmpty()) {
                throw new IllegalArgumentException("Unsupported data_type '" + s.dataType() + "'");
            }
            if (!allowed.contains(s.bits())) {
                throw new IllegalArgumentException("bits=" + s.bits() + " is not supported by data_type '"
                        + s.dataType() + "'; supported bits: " + allowed);
            }
        }
        if (s.actBits() < 16 && DataTypes.supportedBits(s.actDataType()).isEmpty()) {
            throw new IllegalArgumentException("Unsupported act_data_type '" + s.actDataType() + "' for act_bits "
                    + s.actBits() + "; known families: " + DataTypes.SUPPORTED);
        }
        if (DataTypes.isMxFp(s.dataType()) && s.groupSize() != 32) {
            LOG.warn("mx_fp expects group_size 32, got {}", s.groupSize());
        }
        if (DataTypes.isNvFp(s.dataType()) && s.groupSize() != 16) {
            LOG.warn("nv_fp expects group_size 16, got {}", s.groupSize());
        }
    }

    /**
     * Bits of 16 and more mean "keep full precision" (the reference tests {@code bits >= 16}); only 16 and 32 are
     * accepted, so that a typo such as 33 or 44 is reported instead of silently leaving a layer unquantized.
     */
    public static void checkFullPrecisionBits(String option, int bits, String dataType) {
        if (bits > 16 && bits != 32) {
            List<Integer> allowed = dataType == null ? List.of() : DataTypes.supportedBits(dataType);
            throw new IllegalArgumentException(option + "=" + bits + " is not allowed: use one of "
                    + (allowed.isEmpty() ? "the quantized widths" : allowed) + (dataType == null ? "" : " for data_type '"
                    + dataType + "'") + ", or 16 (or 32) to keep full precision");
        }
    }

    /**
     * A user's scheme field map with every known key checked and converted to its type (int, bool or str), so
     * that a value such as {@code "bits": "eight"} is reported by key instead of failing a cast later.
     *
     * @param where who gave the map, for messages (e.g. {@code layer_config['lm_head']})
     */
    public static Map<String, Object> typed(Map<String, Object> fields, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            try {
                out.put(k, v == null ? null : "group_size".equals(k) && blockOf(v) != null ? blockOf(v) : switch (k) {
                    case "bits", "group_size", "act_bits", "act_group_size", "super_bits", "super_group_size" ->
                            intOf(fields, k, 0);
                    case "sym", "act_sym", "act_dynamic" -> boolOf(fields, k, false);
                    case "data_type", "act_data_type" -> strOf(fields, k, null);
                    default -> v;
                });
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** The scheme's fields as a map keyed by the reference's names (nulls kept out). */
    public static Map<String, Object> toFields(QuantScheme s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", s.bits());
        m.put("group_size", s.blocks2d() ? List.of(s.blockRows(), s.groupSize()) : s.groupSize());
        m.put("sym", s.sym());
        m.put("data_type", s.dataType());
        m.put("act_bits", s.actBits());
        m.put("act_group_size", s.actGroupSize());
        m.put("act_sym", s.actSym());
        m.put("act_data_type", s.actDataType());
        m.put("act_dynamic", s.actDynamic());
        if (s.superBits() != null) {
            m.put("super_bits", s.superBits());
        }
        if (s.superGroupSize() != null) {
            m.put("super_group_size", s.superGroupSize());
        }
        return m;
    }

    private static String ggufNameForDoubleQuant(String dataType, Map<String, ?> user) {
        Object bits = user.get("bits");
        if (bits == null) {
            throw new IllegalArgumentException("Must specify 'bits' when using data_type=" + dataType);
        }
        int b = intOf(new LinkedHashMap<>(Map.of("bits", bits)), "bits", 0);
        return "GGUF:Q" + b + (b == 6 ? "_K" : "_K_S");
    }

    /**
     * A 2-D group_size {@code (rows, cols)} given as a list, tuple or int array, or null for a scalar one. The
     * reference allows it only for FP8 weights with dynamic FP8 activations ({@code check_config}).
     */
    private static int[] blockOf(Object v) {
        List<?> items = v instanceof List<?> l ? l : v instanceof Object[] a ? java.util.Arrays.asList(a)
                : v instanceof int[] ia ? java.util.Arrays.stream(ia).boxed().toList() : null;
        if (items == null) {
            return null;
        }
        if (items.size() != 2) {
            throw new IllegalArgumentException("a tuple group_size must have 2 entries (rows, cols), got " + items);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", items.get(0));
        m.put("cols", items.get(1));
        int r = intOf(m, "rows", 0);
        int c = intOf(m, "cols", 0);
        if (r <= 0 || c <= 0) {
            throw new IllegalArgumentException("a tuple group_size needs positive sizes, got " + items);
        }
        return new int[] {r, c};
    }

    private static int intOf(Map<String, ?> f, String key, int dflt) {
        Object v = f.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            java.math.BigDecimal d = null;
            try {
                d = new java.math.BigDecimal(n.toString()).stripTrailingZeros();
            } catch (NumberFormatException e) {
                // NaN or infinity: reported below
            }
            if (d != null && d.scale() <= 0 && d.abs().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return d.intValue();
            }
        }
        if (v instanceof String str && str.strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(str.strip());
        }
        throw new IllegalArgumentException("scheme key '" + key + "' must be a whole number"
                + (v instanceof Number ? " between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE : "")
                + ", got " + show(v));
    }

    /** A value as the user wrote it: strings quoted, so that "8" and 8 read differently. */
    private static String show(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static boolean boolOf(Map<String, ?> f, String key, boolean dflt) {
        Object v = f.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String str && (str.equalsIgnoreCase("true") || str.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(str);
        }
        throw new IllegalArgumentException("scheme key '" + key + "' must be a boolean (true or false), got " + show(v));
    }

    private static String strOf(Map<String, ?> f, String key, String dflt) {
        Object v = f.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String str) {
            return str;
        }
        throw new IllegalArgumentException("scheme key '" + key + "' must be a string, got " + show(v));
    }
}
