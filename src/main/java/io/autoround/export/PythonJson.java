package io.autoround.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Serialises a JSON tree exactly as Python's {@code json.dumps(obj, indent=2[, sort_keys=True])} does, which is
 * how the reference and transformers write {@code config.json} and {@code quantization_config.json}: two-space
 * indent, {@code ", "}-free line ends, ASCII-only strings ({@code ensure_ascii}) and Python's float repr
 * ({@code 1e-06}, {@code 10000.0}).
 */
public final class PythonJson {
    /** Shared mapper for reading configs; keeps insertion order of object keys. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private PythonJson() {}

    /** The text of {@code node}; keys sorted recursively when {@code sortKeys}. No trailing newline. */
    public static String dumps(JsonNode node, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, 0, sortKeys);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode node, int level, boolean sortKeys) {
        if (node instanceof ObjectNode obj) {
            if (obj.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            obj.properties().forEach(entries::add);
            if (sortKeys) {
                entries.sort(Map.Entry.comparingByKey());
            }
            sb.append("{\n");
            for (int i = 0; i < entries.size(); i++) {
                indent(sb, level + 1);
                string(sb, entries.get(i).getKey());
                sb.append(": ");
                write(sb, entries.get(i).getValue(), level + 1, sortKeys);
                sb.append(i + 1 < entries.size() ? ",\n" : "\n");
            }
            indent(sb, level);
            sb.append('}');
        } else if (node instanceof ArrayNode arr) {
            if (arr.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            Iterator<JsonNode> it = arr.elements();
            while (it.hasNext()) {
                indent(sb, level + 1);
                write(sb, it.next(), level + 1, sortKeys);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(sb, level);
            sb.append(']');
        } else if (node.isTextual()) {
            string(sb, node.textValue());
        } else if (node.isFloatingPointNumber()) {
            sb.append(floatRepr(node.doubleValue()));
        } else if (node.isNumber()) {
            sb.append(node.bigIntegerValue());
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue() ? "true" : "false");
        } else if (node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else {
            throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType());
        }
    }

    private static void indent(StringBuilder sb, int level) {
        sb.append("  ".repeat(level));
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form when decpt <= -4 or > 16. */
    static String floatRepr(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int decpt = bd.precision() - bd.scale();
        StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
        if (decpt <= -4 || decpt > 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            sb.append(String.format("%02d", Math.abs(exp)));
        } else if (decpt <= 0) {
            sb.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        } else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return sb.toString();
    }
}
