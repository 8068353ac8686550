package io.autoround.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Decides whether an export may write (and, when overwriting, replace) a folder. The rules, checked on real paths
 * (symbolic links resolved):
 * <ul>
 *   <li>the output folder is never the model folder, never contains it and never lies inside it (nor the hub cache
 *       repo folder of a downloaded model, nor a folder the model's files link into);</li>
 *   <li>it is never the working directory, the user's home, a filesystem root, or a folder above them;</li>
 *   <li>an existing non-empty folder is replaced only with overwrite and only when it is a checkpoint this tool
 *       wrote (it holds {@link CheckpointMarker}); anything else is never deleted.</li>
 * </ul>
 */
public final class OutputSafety {
    private OutputSafety() {}

    /**
     * Why {@code target} may not be written for the model in {@code modelDir}, or null when it may;
     * {@code overwriteOption} is how the caller's user asks for overwrite (e.g. {@code --overwrite}).
     */
    public static String problem(Path target, Path modelDir, boolean overwrite, String overwriteOption) {
        Path abs = target.toAbsolutePath().normalize();
        Path real = realish(abs);
        String special = specialFolder(real);
        if (special != null) {
            return "output folder " + abs + " is " + special + ", which is never written to or replaced:"
                    + " choose a dedicated output folder";
        }
        if (modelDir != null) {
            for (Map.Entry<Path, Boolean> e : protectedFolders(modelDir).entrySet()) {
                String clash = clash(real, e.getKey(), e.getValue());
                if (clash != null) {
                    return "output folder " + abs + " " + clash + " the model folder " + describe(e.getKey(), modelDir)
                            + "; the model is never written to: choose an output folder outside it";
                }
            }
        }
        if (Files.isSymbolicLink(abs)) {
            return "output folder " + abs + " is a symbolic link (to " + real + "); give the real folder instead";
        }
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            return "output folder " + abs + " is an existing file, not a folder";
        }
        if (Files.isDirectory(abs) && !isEmpty(abs)) {
            if (!overwrite) {
                return "output folder " + abs + " already exists and is not empty: choose another output folder, or"
                        + " pass " + overwriteOption + " (which replaces only a checkpoint written by auto-round)";
            }
            if (!CheckpointMarker.isPresent(abs)) {
                return "output folder " + abs + " is not empty and is not a checkpoint written by auto-round (no "
                        + CheckpointMarker.FILE + " file); it is never replaced, even with " + overwriteOption + ": choose another"
                        + " output folder (or remove its content yourself)";
            }
        }
        return null;
    }

    /**
     * "is", "contains" or (when {@code insideToo}) "lies inside" when {@code out} and the protected folder {@code p}
     * overlap, else null.
     */
    private static String clash(Path out, Path p, boolean insideToo) {
        if (out.equals(p)) {
            return "is";
        }
        if (p.startsWith(out)) {
            return "contains";
        }
        return insideToo && out.startsWith(p) ? "lies inside" : null;
    }

    private static String describe(Path p, Path modelDir) {
        Path abs = modelDir.toAbsolutePath().normalize();
        return p.equals(abs) || p.equals(realish(abs)) ? abs.toString() : abs + " (its files live in " + p + ")";
    }

    /**
     * Protected folders, each with whether writing inside it is refused too: the model folder as given and as real
     * path, and the hub cache repo folder when it is a snapshot ({@code models--org--name/snapshots/<commit>}) are
     * strict; a folder the model's entries link into (hub blobs, a shared weights folder) must only never be
     * replaced (so a weight linked from the home folder does not forbid outputs anywhere in it).
     */
    static Map<Path, Boolean> protectedFolders(Path modelDir) {
        Map<Path, Boolean> out = new LinkedHashMap<>();
        Path abs = modelDir.toAbsolutePath().normalize();
        Path real = realish(abs);
        out.put(abs, true);
        out.put(real, true);
        for (Path p : List.of(abs, real)) {
            Path parent = p.getParent();
            if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                    && parent.getParent() != null) {
                out.put(parent.getParent(), true);
            }
        }
        if (Files.isDirectory(real)) {
            try (Stream<Path> s = Files.list(real)) {
                s.filter(Files::isSymbolicLink).forEach(link -> {
                    Path target = realish(link);
                    Path folder = Files.isDirectory(target) ? target : target.getParent();
                    if (folder != null) {
                        out.putIfAbsent(folder, false);
                    }
                });
            } catch (IOException e) {
                // an unreadable model folder fails later with its own message; the folder itself stays protected
            }
        }
        return out;
    }

    /** The working directory, the home folder or a root when {@code real} is one of them or above them. */
    private static String specialFolder(Path real) {
        if (real.getParent() == null) {
            return "a filesystem root";
        }
        Path cwd = realish(Path.of("").toAbsolutePath());
        if (cwd.startsWith(real)) {
            return cwd.equals(real) ? "the current working directory" : "a folder above the current working directory " + cwd;
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank()) {
            Path h = realish(Path.of(home).toAbsolutePath());
            if (h.startsWith(real)) {
                return h.equals(real) ? "the home folder" : "a folder above the home folder " + h;
            }
        }
        return null;
    }

    /** The real path of the longest existing prefix of {@code p}, with the rest appended (p need not exist). */
    static Path realish(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = null;
        while (existing != null) {
            if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Path real = existing.toRealPath();
                    return rest == null ? real : real.resolve(rest).normalize();
                } catch (IOException e) {
                    break; // a dangling link or an unreadable folder: compare the path as written
                }
            }
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        return abs;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false; // unreadable: treat as holding data
        }
    }
}
