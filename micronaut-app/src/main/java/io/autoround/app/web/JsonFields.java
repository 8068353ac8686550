package io.autoround.app.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed access to the fields of a small JSON request body, collecting every problem (malformed JSON, unknown
 * fields, wrong types, out-of-range values) so that {@link #check()} can answer one 400 listing them all.
 */
public final class JsonFields {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private final JsonNode root;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonFields(JsonNode root) {
        this.root = root;
    }

    /** Parses the body; malformed JSON or a non-object answers 400 at once. */
    public static JsonFields parse(String body, Set<String> known) {
        if (body == null || body.isBlank()) {
            throw ApiException.badField("body", "empty body: send a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badField("body", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badField("body", "must be a JSON object");
        }
        JsonFields f = new JsonFields(root);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                f.errors.add(new FieldError(name, "unknown field (known: " + String.join(", ", known) + ")"));
            }
        }
        return f;
    }

    public String string(String name, String dflt, int maxChars) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(name, "must be a string"));
            return dflt;
        }
        if (v.asText().length() > maxChars) {
            errors.add(new FieldError(name, "is longer than the limit of " + maxChars + " characters"));
            return dflt;
        }
        return v.asText();
    }

    public int integer(String name, int dflt, int min, int max) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add(new FieldError(name, "must be an integer"));
            return dflt;
        }
        if (v.intValue() < min || v.intValue() > max) {
            errors.add(new FieldError(name, "must be between " + min + " and " + max + ", got " + v.intValue()));
            return dflt;
        }
        return v.intValue();
    }

    public void error(String name, String message) {
        errors.add(new FieldError(name, message));
    }

    /** Answers 400 when any field was bad. */
    public void check() {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
    }
}
