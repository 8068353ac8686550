package io.autoround.app.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Resolves user-given relative paths inside a root folder, refusing anything that could reach outside it:
 * absolute paths, {@code ..} segments, NUL bytes, and symbolic links whose target lies outside the root.
 */
public final class PathGuard {
    private static final Pattern HUB_ID = Pattern.compile("[\\w\\-.]+/[\\w\\-.]+(@[\\w\\-./]+)?");

    private PathGuard() {}

    /** Why {@code relative} is not an acceptable relative path, or null when it is. */
    public static String problemWith(String relative) {
        if (relative == null || relative.isBlank()) {
            return "is empty";
        }
        if (relative.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        if (relative.startsWith("/") || relative.startsWith("\\") || relative.startsWith("~")
                || relative.matches("^[A-Za-z]:.*")) {
            return "must be a relative path (absolute paths are refused)";
        }
        for (String seg : relative.split("[/\\\\]")) {
            if (seg.equals("..")) {
                return "must not contain '..'";
            }
        }
        try {
            Path.of(relative);
        } catch (InvalidPathException e) {
            return "is not a valid path: " + e.getReason();
        }
        return null;
    }

    /**
     * The real location of {@code relative} under {@code root}; throws {@link PathEscapeException} when the
     * path is malformed or (after following links) leaves the root. The path need not exist.
     */
    public static Path resolveInside(Path root, String relative) {
        String problem = problemWith(relative);
        if (problem != null) {
            throw new PathEscapeException("path '" + relative + "' " + problem);
        }
        try {
            Path realRoot = root.toRealPath();
            Path p = realRoot.resolve(relative).normalize();
            if (!p.startsWith(realRoot)) {
                throw new PathEscapeException("path '" + relative + "' leaves its root folder");
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.exists(p)) {
                Path real = p.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new PathEscapeException("path '" + relative + "' is a symbolic link pointing outside its root folder");
                }
                return real;
            }
            return p;
        } catch (IOException e) {
            if (!Files.exists(root)) {
                throw new PathEscapeException("root folder " + root + " does not exist");
            }
            throw new PathEscapeException("path '" + relative + "' cannot be resolved: " + e.getMessage());
        }
    }

    /**
     * Checks that {@code dir} really lies inside {@code root} and that every link under it resolves inside
     * {@code dir} itself (the rule the core applies to a model's files): a model folder whose
     * {@code chat_template.jinja} links to {@code /etc/shadow} would otherwise be read, copied into a job's output
     * and served. Throws {@link PathEscapeException} naming the first entry that leaves the folder, is a broken
     * link, or when the folder is too large to check.
     */
    public static void checkConfined(Path root, Path dir, int maxEntries) {
        try {
            Path realRoot = root.toRealPath();
            Path realDir = dir.toRealPath();
            if (!realDir.startsWith(realRoot)) {
                throw new PathEscapeException("folder " + dir.getFileName() + " resolves outside its root folder");
            }
            int[] seen = {0};
            try (java.util.stream.Stream<Path> s = Files.walk(dir, 4)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (++seen[0] > maxEntries) {
                        throw new PathEscapeException("folder " + dir.getFileName() + " has more than " + maxEntries
                                + " entries; refusing to read it");
                    }
                    if (!Files.isSymbolicLink(p)) {
                        continue;
                    }
                    String rel = dir.relativize(p).toString();
                    Path real;
                    try {
                        real = p.toRealPath();
                    } catch (IOException e) {
                        throw new PathEscapeException("'" + rel + "' is a broken symbolic link");
                    }
                    if (!real.startsWith(realDir)) {
                        throw new PathEscapeException("'" + rel + "' is a symbolic link to " + real
                                + ", outside the folder; copy the file in instead of linking it");
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PathEscapeException("cannot check folder " + dir.getFileName() + ": " + e.getMessage());
        }
    }

    /** True for {@code org/name} or {@code org/name@revision}. */
    public static boolean isHubId(String s) {
        return s != null && HUB_ID.matcher(s).matches() && problemWith(s) == null;
    }

    /** A path rejected for leaving its root or being malformed. */
    public static final class PathEscapeException extends RuntimeException {
        public PathEscapeException(String message) {
            super(message);
        }
    }
}
