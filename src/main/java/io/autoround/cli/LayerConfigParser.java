package io.autoround.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code --layer_config}: JSON, also accepting the relaxed forms users type (single quotes, bare keys). */
final class LayerConfigParser {
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    @SuppressWarnings("unchecked")
    Map<String, Object> parse(String text) {
        try {
            Object v = json.readValue(text, Object.class);
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("--layer_config must be a JSON object of layer name/regex -> scheme or settings");
            }
            return new LinkedHashMap<>((Map<String, Object>) m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--layer_config is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
