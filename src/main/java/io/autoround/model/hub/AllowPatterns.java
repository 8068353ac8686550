package io.autoround.model.hub;

import java.util.List;
import java.util.regex.Pattern;

/**
 * File-name filter with Python {@code fnmatch} semantics, as huggingface_hub's {@code allow_patterns}:
 * {@code *} matches any characters including '/', {@code ?} one character, {@code [abc]}/{@code [!abc]} a class;
 * a pattern ending in '/' matches everything below that folder. An empty or null list allows everything.
 */
public final class AllowPatterns {

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private AllowPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(AllowPatterns::toRegex).map(Pattern::compile).toList();
    }

    /** Filter allowing files matching any of the given patterns (all files when null or empty). */
    public static AllowPatterns of(List<String> patterns) {
        return new AllowPatterns(patterns == null ? List.of() : patterns);
    }

    /** True when the path matches at least one pattern, or when there are no patterns. */
    public boolean allows(String path) {
        if (compiled.isEmpty()) {
            return true;
        }
        for (Pattern p : compiled) {
            if (p.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The patterns as given. */
    public List<String> patterns() {
        return patterns;
    }

    static String toRegex(String glob) {
        String g = glob.endsWith("/") ? glob + "*" : glob;
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < g.length()) {
            char c = g.charAt(i++);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int close = g.indexOf(']', i + (i < g.length() && g.charAt(i) == '!' ? 2 : 1));
                if (close < 0) {
                    re.append("\\[");
                } else {
                    String body = g.substring(i, close);
                    i = close + 1;
                    re.append('[');
                    if (body.startsWith("!")) {
                        re.append('^');
                        body = body.substring(1);
                    }
                    re.append(body.replace("\\", "\\\\").replace("[", "\\[").replace("&&", "&\\&"));
                    re.append(']');
                }
            } else if (Character.isLetterOrDigit(c)) {
                re.append(c);
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
