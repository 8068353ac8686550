package io.autoround.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed access to the fields of a small JSON request body, collecting every problem (malformed JSON, unknown
 * fields, wrong types, out-of-range values) so that {@link #check()} can answer one 400 listing them all. Each
 * message names the bad value and what is allowed.
 */
public final class JsonFields {
    private final JsonNode root;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonFields(JsonNode root) {
        this.root = root;
    }

    /** Parses the body; malformed JSON, a non-object or nesting deeper than {@code maxDepth} answers 400 at once. */
    public static JsonFields parse(String body, Set<String> known, int maxDepth) {
        JsonFields f = new JsonFields(JsonBody.readObject(body, maxDepth, "send a JSON object"));
        for (Iterator<String> it = f.root.fieldNames(); it.hasNext(); ) {
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
            errors.add(new FieldError(name, "must be a string, got " + JsonBody.kind(v) + " " + JsonBody.show(v)));
            return dflt;
        }
        if (v.asText().length() > maxChars) {
            errors.add(new FieldError(name, "has " + v.asText().length() + " characters, more than the limit of " + maxChars));
            return dflt;
        }
        return v.asText();
    }

    public int integer(String name, int dflt, int min, int max) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            errors.add(new FieldError(name, "must be an integer between " + min + " and " + max + ", got "
                    + JsonBody.kind(v) + " " + JsonBody.show(v)));
            return dflt;
        }
        if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            errors.add(new FieldError(name, "must be between " + min + " and " + max + ", got " + JsonBody.show(v)));
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
