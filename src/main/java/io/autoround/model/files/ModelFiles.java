package io.autoround.model.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * File tests and reads that tell "absent" from "not allowed": {@link Files#isRegularFile} answers false for both,
 * which turned permission problems into "file not found" messages.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** Attributes (following links), empty when nothing is there; a permission failure is thrown, naming the path. */
    public static Optional<BasicFileAttributes> stat(Path p) {
        try {
            return Optional.of(Files.readAttributes(p, BasicFileAttributes.class));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw FileAccessException.permissionDenied(deniedPath(p), e);
        } catch (IOException e) {
            throw FileAccessException.of(p, e);
        }
    }

    /** True for a regular file (or a link to one); false when absent; permission denied is thrown. */
    public static boolean isRegularFile(Path p) {
        return stat(p).map(BasicFileAttributes::isRegularFile).orElse(false);
    }

    /** True for a folder (or a link to one); false when absent; permission denied is thrown. */
    public static boolean isDirectory(Path p) {
        return stat(p).map(BasicFileAttributes::isDirectory).orElse(false);
    }

    /** True when something is at {@code p}; permission denied is thrown. */
    public static boolean exists(Path p) {
        return stat(p).isPresent();
    }

    /** Fails with "permission denied: folder" when a folder exists but cannot be listed or entered. */
    public static void requireListable(Path dir) {
        if (isDirectory(dir) && !(Files.isReadable(dir) && Files.isExecutable(dir))) {
            throw FileAccessException.permissionDenied(dir, null);
        }
    }

    /** The whole file, or a {@link FileAccessException} naming the path and the cause. */
    public static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw FileAccessException.of(file, e);
        }
    }

    /**
     * The innermost existing ancestor of {@code p} that denies access (so the message names the folder a user has to
     * fix), else {@code p} itself.
     */
    private static Path deniedPath(Path p) {
        Path abs = p.toAbsolutePath();
        Path candidate = abs;
        Path parent = abs.getParent();
        while (parent != null) {
            if (Files.isDirectory(parent) && !Files.isExecutable(parent)) {
                candidate = parent;
            }
            parent = parent.getParent();
        }
        return candidate.equals(abs) ? p : candidate;
    }
}
