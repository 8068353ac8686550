package io.autoround.model.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A model file or folder that cannot be read, reported by cause: {@code permission denied: <path>},
 * {@code file not found: <path>} or {@code cannot read <path>: <reason>}. It is bad input (exit 2, HTTP 400).
 */
public class FileAccessException extends IllegalArgumentException {
    private final Path path;

    public FileAccessException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The file or folder that could not be read. */
    public Path path() {
        return path;
    }

    /** The right message for {@code e} raised while reading {@code path}. */
    public static FileAccessException of(Path path, IOException e) {
        if (e instanceof AccessDeniedException || isPermissionMessage(e)) {
            return permissionDenied(path, e);
        }
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || (e instanceof FileNotFoundException && !isDirectoryMessage(e))) {
            return new NotFound(path, "file not found: " + path, e);
        }
        return new FileAccessException(path, "cannot read " + path + ": " + e.getMessage(), e);
    }

    public static FileAccessException permissionDenied(Path path, Throwable cause) {
        return new PermissionDenied(path, "permission denied: " + path, cause);
    }

    /** The path exists but the process may not read it (front doors map it to e.g. Python's PermissionError). */
    public static final class PermissionDenied extends FileAccessException {
        PermissionDenied(Path path, String message, Throwable cause) {
            super(path, message, cause);
        }
    }

    /** Nothing is at the path (front doors map it to e.g. Python's FileNotFoundError). */
    public static final class NotFound extends FileAccessException {
        NotFound(Path path, String message, Throwable cause) {
            super(path, message, cause);
        }
    }

    /** java.io streams report EACCES as FileNotFoundException("... (Permission denied)"). */
    private static boolean isPermissionMessage(IOException e) {
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("permission denied");
    }

    private static boolean isDirectoryMessage(IOException e) {
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("is a directory");
    }
}
