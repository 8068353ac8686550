package io.autoround.export;

/** An export could not be carried out (output folder problems, missing layers, I/O failures). */
public class ExportException extends RuntimeException {
    public ExportException(String message) {
        super(message);
    }

    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
