package io.autoround.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's dataset string: datasets separated by {@code ,}, each with {@code :key=value} options, e.g.
 * {@code ./calib.jsonl,NeelNanda/pile-10k:num=256:split=train+validation,other:concat=true}.
 */
public final class DatasetSpec {
    /** One dataset with its options ({@code num}, {@code split}, {@code concat}, ...). */
    public record Entry(String name, Map<String, String> options) {
        /** Exact sample count requested with {@code num=}, or -1. */
        public int num() {
            String v = options.get("num");
            if (v == null) {
                return -1;
            }
            try {
                int n = Integer.parseInt(v);
                if (n <= 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dataset '" + name + "': num must be a positive integer, got '" + v + "'");
            }
        }

        /** Splits requested with {@code split=a+b}, or the given default. */
        public List<String> splits(String dflt) {
            String v = options.get("split");
            return v == null ? List.of(dflt) : List.of(v.split("\\+"));
        }

        /** Splits requested with {@code split=a+b}, or an empty list when none was requested. */
        public List<String> requestedSplits() {
            return options.containsKey("split") ? splits("") : List.of();
        }

        /** {@code concat} or {@code concat=true}. */
        public boolean concat() {
            String v = options.get("concat");
            return v != null && (v.isEmpty() || v.equalsIgnoreCase("true"));
        }
    }

    private DatasetSpec() {}

    /** Parses a dataset string; whitespace is removed as the reference does. */
    public static List<Entry> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty dataset specification");
        }
        String compact = spec.replaceAll("\\s+", "");
        List<Entry> out = new ArrayList<>();
        for (String part : compact.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] fields = part.split(":");
            Map<String, String> opts = new LinkedHashMap<>();
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq < 0) {
                    opts.put(fields[i], "");
                } else {
                    opts.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
                }
            }
            for (String key : opts.keySet()) {
                if (!List.of("num", "split", "concat", "apply_chat_template", "system_prompt").contains(key)) {
                    throw new IllegalArgumentException("dataset '" + fields[0] + "': unknown option '" + key
                            + "' (known: num, split, concat, apply_chat_template, system_prompt)");
                }
            }
            out.add(new Entry(fields[0], opts));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no dataset in specification '" + spec + "'");
        }
        return out;
    }
}
