package io.autoround.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A hidden sibling folder ({@code .<name>.tmp-<pid>-<n>}) that becomes the output folder only on {@link #commit()},
 * so a failed export leaves nothing at the target. {@link OutputSafety} decides whether the target may be written
 * (checked again at commit); stale temporary folders of dead processes in the same parent are removed first
 * ({@link StaleExportFolders}). Folders are created with the process umask (normal permissions).
 */
public final class OutputFolder {
    private final Path target;
    private final Path modelDir;
    private final Path temp;
    private final boolean overwrite;
    private boolean done;

    /** Output folder {@code target} for the model in {@code modelDir} (null: no model to protect). */
    public OutputFolder(Path target, Path modelDir, boolean overwrite) {
        this.target = target.toAbsolutePath().normalize();
        this.modelDir = modelDir;
        this.overwrite = overwrite;
        Path parent = this.target.getParent();
        StaleExportFolders.clean(parent); // first: it may restore a checkpoint that the check must then see
        checkTarget();
        try {
            Files.createDirectories(parent);
            this.temp = createTemp(parent);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ExportException("cannot write output folder " + this.target + ": " + describe(e), e);
        }
    }

    private Path createTemp(Path parent) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = parent.resolve(StaleExportFolders.tempName(target, "tmp", ThreadLocalRandom.current().nextLong(1L << 40)));
            try {
                return Files.createDirectory(p); // default permissions: the umask applies (createTempDirectory would give 0700)
            } catch (FileAlreadyExistsException e) {
                if (attempt > 8) {
                    throw e;
                }
            }
        }
    }

    private void checkTarget() {
        String problem = OutputSafety.problem(target, modelDir, overwrite, "overwrite");
        if (problem != null) {
            throw new ExportException(problem);
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    /** The folder to write into. */
    public Path temp() {
        return temp;
    }

    /** Marks the folder as ours and moves it into place (replacing our previous checkpoint when overwriting). */
    public Path commit() {
        checkTarget();
        try {
            CheckpointMarker.write(temp);
            Path backup = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                backup = target.resolveSibling(StaleExportFolders.tempName(target, "old", System.nanoTime()));
                Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (backup != null) {
                    Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE); // put the previous checkpoint back
                }
                throw e;
            }
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

    /** Deletes a folder tree without following symbolic links. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
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
