package io.autoround.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.api.QuantizeOptions;
import io.autoround.app.web.ApiException;
import io.autoround.app.web.FieldError;
import io.autoround.app.web.JsonBody;
import io.autoround.quant.scheme.SchemePresets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code layer_config} field: layer name or regex -> preset name or an object of scheme settings. Every
 * entry is type- and range-checked here, so that the core never meets a string where it expects a number (a
 * ClassCastException, answered 500 before) and bit widths it would silently leave in full precision are refused.
 */
final class LayerConfigField {
    private static final int MAX_KEY_CHARS = 1000;
    private final int maxEntries;

    LayerConfigField(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    @SuppressWarnings("unchecked")
    void apply(QuantizeOptions o, String name, JsonNode v) {
        if (!v.isObject()) {
            throw new IllegalArgumentException("must be a JSON object of layer name/regex -> scheme name or settings, got "
                    + JsonBody.kind(v) + " " + JsonBody.show(v));
        }
        if (v.size() > maxEntries) {
            throw new IllegalArgumentException("has " + v.size() + " entries, more than this service's limit of " + maxEntries
                    + " (use regexes such as 'mlp\\\\.down_proj' to cover many layers with one entry)");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = name + "." + e.getKey();
            try {
                checkEntry(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                errors.add(new FieldError(field, ex.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        o.layerConfig.putAll(new ObjectMapper().convertValue(v, LinkedHashMap.class));
    }

    private static void checkEntry(String key, JsonNode value) {
        if (key.isBlank() || key.length() > MAX_KEY_CHARS) {
            throw new IllegalArgumentException("a layer name or regex must have 1 to " + MAX_KEY_CHARS + " characters");
        }
        try {
            io.autoround.quant.scheme.StandardRegex.compile(key);
        } catch (IllegalArgumentException ex) { // PatternSyntaxException or the core's own translation error
            String why = ex instanceof java.util.regex.PatternSyntaxException p ? p.getDescription() : ex.getMessage();
            throw new IllegalArgumentException("'" + key + "' is neither a layer name nor a valid regex: " + why);
        }
        if (value.isTextual()) {
            preset(value);
            return;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("must be a scheme name or an object of settings, got " + JsonBody.kind(value)
                    + " " + JsonBody.show(value));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            checkSetting(s.getKey(), s.getValue());
        }
    }

    private static void checkSetting(String key, JsonNode v) {
        switch (key) {
            case "scheme" -> preset(v);
            case "bits" -> range(key, v, 1, 16); // 16 keeps the layer in full precision; above it was silently fp
            case "act_bits" -> range(key, v, 1, 32);
            case "super_bits" -> range(key, v, 1, 8);
            case "group_size", "act_group_size" -> range(key, v, -1, 1 << 20);
            case "super_group_size" -> range(key, v, 1, 1 << 20);
            case "sym", "act_sym", "act_dynamic" -> {
                if (!v.isBoolean()) {
                    throw new IllegalArgumentException("'" + key + "' must be true or false, got " + JsonBody.kind(v) + " " + JsonBody.show(v));
                }
            }
            case "data_type", "act_data_type" -> {
                if (!v.isTextual() || v.asText().isBlank()) {
                    throw new IllegalArgumentException("'" + key + "' must be a data type name such as \"int\", got "
                            + JsonBody.kind(v) + " " + JsonBody.show(v));
                }
            }
            default -> throw new IllegalArgumentException("unknown setting '" + key + "' (allowed: scheme, "
                    + String.join(", ", SchemePresets.KEYS) + ")");
        }
    }

    private static void preset(JsonNode v) {
        if (!v.isTextual() || !SchemePresets.isPreset(v.asText())) {
            throw new IllegalArgumentException("unknown scheme " + JsonBody.show(v) + " (known: "
                    + String.join(", ", SchemePresets.names()) + ")");
        }
    }

    private static void range(String key, JsonNode v, int min, int max) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException("'" + key + "' must be an integer between " + min + " and " + max + ", got "
                    + JsonBody.kind(v) + " " + JsonBody.show(v));
        }
    }
}
