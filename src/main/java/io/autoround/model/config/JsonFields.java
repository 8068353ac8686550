package io.autoround.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.files.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed, error-reporting access to the fields of one JSON config file (null and absent are the same). */
final class JsonFields {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    JsonFields(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static JsonFields read(Path file) {
        if (!ModelFiles.isRegularFile(file)) {
            throw new ConfigException(file, "file not found");
        }
        byte[] bytes = ModelFiles.readAllBytes(file);
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new ConfigException(file, "expected a JSON object");
            }
            return new JsonFields(file, root);
        } catch (IOException e) {
            throw new ConfigException(file, "not valid JSON: " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    JsonNode node(String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n;
    }

    /** A nested object (or null when absent). */
    JsonFields object(String key) {
        JsonNode n = node(key);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw new ConfigException(file, "key '" + key + "' must be an object, got " + n);
        }
        return new JsonFields(file, n);
    }

    boolean has(String key) {
        return node(key) != null;
    }

    int requireInt(String key) {
        JsonNode n = node(key);
        if (n == null) {
            throw new ConfigException(file, "required key '" + key + "' is missing");
        }
        return asInt(key, n);
    }

    int optInt(String key, int dflt) {
        JsonNode n = node(key);
        return n == null ? dflt : asInt(key, n);
    }

    Integer optInteger(String key) {
        JsonNode n = node(key);
        return n == null ? null : asInt(key, n);
    }

    double optDouble(String key, double dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new ConfigException(file, "key '" + key + "' must be a number, got " + n);
        }
        return n.asDouble();
    }

    Double optDoubleObject(String key) {
        return has(key) ? optDouble(key, 0) : null;
    }

    boolean optBool(String key, boolean dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ConfigException(file, "key '" + key + "' must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    String optString(String key, String dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new ConfigException(file, "key '" + key + "' must be a string, got " + n);
        }
        return n.asText();
    }

    String requireString(String key) {
        String s = optString(key, null);
        if (s == null) {
            throw new ConfigException(file, "required key '" + key + "' is missing");
        }
        return s;
    }

    /** An int or a list of ints (as HF allows for eos_token_id); empty when absent. */
    List<Integer> intOrList(String key) {
        JsonNode n = node(key);
        List<Integer> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                out.add(asInt(key, e));
            }
        } else {
            out.add(asInt(key, n));
        }
        return List.copyOf(out);
    }

    List<Integer> intList(String key) {
        JsonNode n = node(key);
        if (n != null && !n.isArray()) {
            throw new ConfigException(file, "key '" + key + "' must be a list of integers, got " + n);
        }
        return intOrList(key);
    }

    private int asInt(String key, JsonNode n) {
        if (!n.canConvertToInt() || !(n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble())))) {
            throw new ConfigException(file, "key '" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }
}
