package io.autoround.model.hub;

import java.io.PrintStream;

/** Receives download progress; {@link #console(PrintStream)} prints it, {@link #quiet()} drops it. */
public interface DownloadProgress {

    /** A file download starts; {@code already} bytes are already present from an earlier, interrupted try. */
    void started(String file, long total, long already);

    /** {@code done} of {@code total} bytes (total -1 when unknown) are now on disk. */
    void advanced(String file, long done, long total);

    /** The file is complete and verified. */
    void finished(String file, long size);

    /** A notice such as a retry or a cache fallback. */
    void notice(String text);

    /** Progress that prints nothing. */
    static DownloadProgress quiet() {
        return new DownloadProgress() {
            @Override
            public void started(String file, long total, long already) {
            }

            @Override
            public void advanced(String file, long done, long total) {
            }

            @Override
            public void finished(String file, long size) {
            }

            @Override
            public void notice(String text) {
            }
        };
    }

    /** Progress lines (file, bytes, percentage in 10% steps) on the given stream, typically stderr. */
    static DownloadProgress console(PrintStream out) {
        return new ConsoleProgress(out);
    }
}
