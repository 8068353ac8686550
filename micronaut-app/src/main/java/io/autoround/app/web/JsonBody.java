package io.autoround.app.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a request body that must be one JSON object, with bounded nesting and number length (so a hostile body
 * cannot exhaust the stack or the CPU), no duplicate keys, no trailing garbage and no NaN/Infinity tokens. Every
 * refusal is a 400 naming the field {@code body}.
 */
public final class JsonBody {
    /** Longest number literal accepted, in characters (longer ones are refused, not parsed). */
    static final int MAX_NUMBER_CHARS = 100;

    private JsonBody() {}

    /** The body's top-level object; {@code maxDepth} bounds the nesting of objects and arrays. */
    public static JsonNode readObject(String body, int maxDepth, String emptyHint) {
        if (body == null || body.isBlank()) {
            throw ApiException.badField("body", "empty body: " + emptyHint);
        }
        JsonNode root;
        try {
            root = mapper(maxDepth).readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badField("body", "refused: " + e.getOriginalMessage()
                    + " (this service allows nesting depth " + maxDepth + " and numbers of at most " + MAX_NUMBER_CHARS + " characters)");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badField("body", "malformed JSON" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw ApiException.badField("body", "must be a JSON object {...}, got "
                    + (root == null || root.isMissingNode() ? "nothing" : kind(root) + " " + show(root)));
        }
        return root;
    }

    /** A value as JSON text, cut to 80 characters, for error messages. */
    public static String show(JsonNode v) {
        String s = v == null ? "null" : v.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** What kind of JSON value this is, for error messages ("a string", "an array", ...). */
    public static String kind(JsonNode v) {
        return v == null || v.isNull() ? "null" : v.isTextual() ? "a string" : v.isBoolean() ? "a boolean"
                : v.isIntegralNumber() ? "an integer" : v.isNumber() ? "a fractional number" : v.isArray() ? "an array" : "an object";
    }

    private static final java.util.Map<Integer, ObjectMapper> MAPPERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static ObjectMapper mapper(int maxDepth) {
        return MAPPERS.computeIfAbsent(Math.max(1, maxDepth), JsonBody::newMapper);
    }

    private static ObjectMapper newMapper(int maxDepth) {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth).maxNumberLength(MAX_NUMBER_CHARS).build()).build();
        return JsonMapper.builder(f).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }
}
