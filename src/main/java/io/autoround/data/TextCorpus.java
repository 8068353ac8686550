package io.autoround.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Reads calibration text: plain text files, JSON / JSON-lines records, and the corpus embedded in the jar. */
public final class TextCorpus {
    /** Public-domain English shipped inside the library (Ambrose Bierce, The Devil's Dictionary, 1911). */
    public static final String EMBEDDED_RESOURCE = "/io/autoround/data/corpus/devils_dictionary.txt";
    public static final String EMBEDDED_NAME = "embedded:devils-dictionary";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TextCorpus() {}

    /** Whole text of a .txt file. */
    public static String readText(Path file) {
        return TextFiles.readUtf8(file, "calibration file");
    }

    /** The embedded public-domain corpus. */
    public static String embedded() {
        try (InputStream in = TextCorpus.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded corpus " + EMBEDDED_RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records of a .json (a list, or an object whose values are taken) or .jsonl file. Each record may be a string,
     * an object with a {@code text} field, or a single-key object; trailing whitespace is stripped.
     */
    public static List<String> readRecords(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        try {
            String text = TextFiles.readUtf8(file, "calibration file");
            if (name.endsWith(".jsonl")) {
                int line = 0;
                for (String l : text.split("\r?\n|\r")) {
                    line++;
                    if (!l.isBlank()) {
                        out.add(recordText(JSON.readTree(l), file + ":" + line));
                    }
                }
            } else {
                JsonNode root = JSON.readTree(text);
                Iterator<JsonNode> it = root.isArray() || root.isObject() ? root.elements() : null;
                if (it == null) {
                    throw new IllegalArgumentException(file + ": expected a JSON list of records");
                }
                int i = 0;
                while (it.hasNext()) {
                    out.add(recordText(it.next(), file + "[" + i++ + "]"));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse calibration file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String recordText(JsonNode n, String where) {
        if (n.isTextual()) {
            return n.asText().stripTrailing();
        }
        if (n.isObject()) {
            if (n.has("text")) {
                return n.get("text").asText().stripTrailing();
            }
            if (n.size() == 1) {
                return n.elements().next().asText().stripTrailing();
            }
        }
        throw new IllegalArgumentException(where + ": a record must be a string, have a 'text' field or a single key");
    }
}
