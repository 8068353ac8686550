package io.autoround.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary sibling folder that becomes the output folder only on {@link #commit()}, so a failed export
 * leaves nothing behind. An existing non-empty output folder is refused unless overwriting is requested.
 */
public final class OutputFolder {
    private final Path target;
    private final Path temp;
    private final boolean overwrite;
    private boolean done;

    public OutputFolder(Path target, boolean overwrite) {
        this.target = target.toAbsolutePath().normalize();
        this.overwrite = overwrite;
        checkTarget();
        Path parent = this.target.getParent();
        try {
            Files.createDirectories(parent);
            this.temp = Files.createTempDirectory(parent, "." + this.target.getFileName() + ".tmp-");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ExportException("cannot write output folder " + this.target + ": " + describe(e), e);
        }
    }

    private void checkTarget() {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new ExportException("output path " + target + " exists and is not a folder");
        }
        if (Files.isDirectory(target) && !overwrite && !isEmpty(target)) {
            throw new ExportException("output folder " + target + " already exists and is not empty"
                    + " (request overwrite to replace it)");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new ExportException("cannot list output folder " + dir + ": " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    /** The folder to write into. */
    public Path temp() {
        return temp;
    }

    /** Moves the temporary folder into place (replacing the old output when overwriting). */
    public Path commit() {
        checkTarget();
        try {
            Path backup = null;
            if (Files.exists(target)) {
                backup = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            if (backup != null) {
                deleteTree(backup);
            }
            return target;
        } catch (IOException e) {
            throw new ExportException("cannot move " + temp + " to " + target + ": " + describe(e), e);
        }
    }

    /** Deletes the temporary folder (no-op after commit). */
    public void discard() {
        if (!done) {
            done = true;
            deleteTree(temp);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new ExportException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
