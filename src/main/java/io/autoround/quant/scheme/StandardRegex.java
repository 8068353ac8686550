package io.autoround.quant.scheme;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The reference's {@code to_standard_regex} (reference-spec 3.8): a plain name becomes {@code .*<escaped>.*}
 * (substring match); a pattern with regex tokens keeps them, bare dots are escaped and {@code .*} is added at an
 * unanchored end. Matching uses {@code re.search} semantics ({@link java.util.regex.Matcher#find()}).
 */
public final class StandardRegex {

    private static final List<String> META = List.of(".*", "^", "$", "|", "(", ")", "[", "]", "?", "+");

    private StandardRegex() {
    }

    /** The standard regex string for a user pattern. */
    public static String of(String pattern) {
        boolean hasRegex = META.stream().anyMatch(pattern::contains);
        String regex;
        if (!hasRegex) {
            regex = ".*" + pyEscape(pattern) + ".*";
        } else {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char ch = pattern.charAt(i);
                if (ch == '.') {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                        sb.append(".*");
                        i++;
                    } else {
                        sb.append("\\.");
                    }
                } else {
                    sb.append(ch);
                }
            }
            regex = sb.toString();
            if (!regex.startsWith("^") && !regex.startsWith(".*")) {
                regex = ".*" + regex;
            }
            if (!regex.endsWith("$") && !regex.endsWith(".*")) {
                regex = regex + ".*";
            }
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid regex generated from pattern '" + pattern + "': "
                    + e.getDescription());
        }
        return regex;
    }

    /** Compiled form of {@link #of}. */
    public static Pattern compile(String pattern) {
        return Pattern.compile(of(pattern));
    }

    /** True if the pattern's standard regex is found in {@code name} ({@code re.search}). */
    public static boolean search(String pattern, String name) {
        return compile(pattern).matcher(name).find();
    }

    /** Python (3.7+) re.escape: a backslash before each character of {@code ()[]{}?*+-|^$\\.&~#} and whitespace. */
    static String pyEscape(String s) {
        String special = "()[]{}?*+-|^$\\.&~# \t\n\r\u000B\f";
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (special.indexOf(ch) >= 0) {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
