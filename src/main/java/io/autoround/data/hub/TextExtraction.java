package io.autoround.data.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * How one dataset row becomes calibration text, as the reference's per-dataset tokenizer functions read it: one
 * column ({@code text}, {@code content}, {@code code}), several columns joined ({@code mbpp}: text + code), or the
 * {@code content} of every message of a chat column joined without separator ({@code ultrachat_200k}).
 *
 * @param kind how the columns are combined
 * @param columns the columns read, in order
 * @param separator put between joined columns
 */
public record TextExtraction(Kind kind, List<String> columns, String separator) {

    /** How the columns are combined. */
    public enum Kind {
        /** The columns' string values joined with the separator. */
        JOIN_COLUMNS,
        /** One column holding a list of {@code {role, content}} messages; the contents are joined. */
        MESSAGE_CONTENTS
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates the column list. */
    public TextExtraction {
        columns = List.copyOf(columns);
        if (columns.isEmpty() || (kind == Kind.MESSAGE_CONTENTS && columns.size() != 1)) {
            throw new IllegalArgumentException("text extraction " + kind + " needs " + (kind == Kind.MESSAGE_CONTENTS
                    ? "exactly one column" : "at least one column") + ", got " + columns);
        }
    }

    /** The value of a single column. */
    public static TextExtraction column(String name) {
        return new TextExtraction(Kind.JOIN_COLUMNS, List.of(name), "");
    }

    /** The values of several columns joined with {@code separator}. */
    public static TextExtraction join(String separator, String... names) {
        return new TextExtraction(Kind.JOIN_COLUMNS, List.of(names), separator);
    }

    /** The contents of a chat column's messages joined without separator. */
    public static TextExtraction messageContents(String name) {
        return new TextExtraction(Kind.MESSAGE_CONTENTS, List.of(name), "");
    }

    /** SQL select list producing one VARCHAR per column (chat columns as JSON). */
    String selectList() {
        StringBuilder sql = new StringBuilder();
        for (String c : columns) {
            if (!sql.isEmpty()) {
                sql.append(", ");
            }
            String quoted = "\"" + c.replace("\"", "\"\"") + "\"";
            sql.append(kind == Kind.MESSAGE_CONTENTS ? "to_json(" + quoted + ")" : "CAST(" + quoted + " AS VARCHAR)");
        }
        return sql.toString();
    }

    /** The row's text from the values of {@link #selectList()}, or null when a value is missing. */
    String combine(String[] values, String where) {
        for (String v : values) {
            if (v == null) {
                return null;
            }
        }
        if (kind == Kind.JOIN_COLUMNS) {
            return String.join(separator, values);
        }
        try {
            JsonNode messages = JSON.readTree(values[0]);
            if (!messages.isArray()) {
                throw new IllegalArgumentException(where + ": column '" + columns.get(0)
                        + "' must be a list of messages, got " + abbreviate(values[0]));
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode m : messages) {
                JsonNode content = m.get("content");
                if (content == null || !content.isTextual()) {
                    throw new IllegalArgumentException(where + ": a message of column '" + columns.get(0)
                            + "' has no text 'content': " + abbreviate(m.toString()));
                }
                text.append(content.asText());
            }
            return text.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": column '" + columns.get(0) + "' is not valid JSON", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
