package io.autoround.app.files;

/**
 * A single {@code Range: bytes=...} request resolved against a file length: {@code first-last}, {@code first-}
 * or {@code -suffix}. Multiple ranges are not supported (answered with the whole file, as RFC 9110 allows).
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    /**
     * The range asked for, or null for "send the whole file" (no header, several ranges, or a syntax error).
     *
     * @throws Unsatisfiable when the range lies outside the file
     */
    public static ByteRange parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first < 0 || first >= size || last < first) {
                throw new Unsatisfiable();
            }
            return new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The range does not overlap the file (answered 416). */
    public static final class Unsatisfiable extends RuntimeException {
        public Unsatisfiable() {
            super("requested range not satisfiable");
        }
    }
}
