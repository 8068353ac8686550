package io.autoround.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Downloads one file into {@code blobs/{name}.incomplete}, resuming a partial file with {@code Range: bytes=N-},
 * then checks size and sha256 and renames it to {@code blobs/{name}}. A corrupt download is deleted; an
 * interrupted one is kept so the next attempt (or the next run) continues where it stopped.
 */
final class BlobDownloader {

    private static final int BUFFER = 1 << 16;

    private final HubHttp http;
    private final DownloadProgress progress;
    private final int maxAttempts;

    BlobDownloader(HubHttp http, DownloadProgress progress, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        this.http = http;
        this.progress = progress;
        this.maxAttempts = maxAttempts;
    }

    /** Downloads {@code location} to {@code blob} unless it is already there; {@code what} names the file. */
    void download(FileLocation location, Path blob, Path incomplete, String displayName, String what) {
        try {
            Files.createDirectories(blob.getParent());
            for (int attempt = 1; ; attempt++) {
                try {
                    fetchRemainder(location, incomplete, displayName, what);
                    break;
                } catch (HubException e) {
                    if (e.kind() != HubException.Kind.NETWORK) {
                        throw e;
                    }
                    long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
                    if (attempt >= maxAttempts) {
                        throw new HubException(HubException.Kind.NETWORK, "download of " + what + " failed after "
                                + attempt + " attempt(s) with " + have + " of "
                                + (location.size() >= 0 ? location.size() : "?") + " bytes received; the partial"
                                + " file " + incomplete + " is kept and the next download resumes from it. Cause: "
                                + e.getMessage(), e);
                    }
                    progress.notice("Download of " + displayName + " interrupted at " + have
                            + " bytes; retrying (attempt " + (attempt + 1) + " of " + maxAttempts + ")");
                }
            }
            verify(location, incomplete, what);
            HubCache.moveIntoPlace(incomplete, blob);
            progress.finished(displayName, Files.size(blob));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hub cache file " + incomplete, e);
        }
    }

    /** Fetches the bytes still missing from {@code incomplete}; network failures surface as NETWORK errors. */
    private void fetchRemainder(FileLocation location, Path incomplete, String displayName, String what)
            throws IOException {
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        long size = location.size();
        if (size >= 0 && have > size) {
            Files.delete(incomplete);   // longer than the file: not a prefix of it
            have = 0;
        }
        if (size >= 0 && have == size) {
            return;
        }
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HttpResponse<InputStream> response = http.getAnyStatus(location.url(), headers,
                HttpResponse.BodyHandlers.ofInputStream(), what);
        int status = response.statusCode();
        if (status == 416 && have > 0) {
            // The server cannot serve the rest (file changed or partial file bad): start over.
            Files.delete(incomplete);
            throw new HubException(HubException.Kind.NETWORK, "server rejected resuming " + what + " at byte " + have);
        }
        if (status != 200 && status != 206) {
            throw http.statusError(response, what);
        }
        boolean append = status == 206;
        if (append && !response.headers().firstValue("Content-Range").orElse("bytes " + have + "-")
                .startsWith("bytes " + have + "-")) {
            throw new HubException(HubException.Kind.PROTOCOL, "server answered the resume request for " + what
                    + " with a different range: " + response.headers().firstValue("Content-Range").orElse(""));
        }
        long done = append ? have : 0;
        progress.started(displayName, size, done);
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND
                                : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = readChunk(in, buffer, what)) > 0) {
                out.write(buffer, 0, n);
                done += n;
                progress.advanced(displayName, done, size);
            }
        }
    }

    private int readChunk(InputStream in, byte[] buffer, String what) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw http.networkError(what, e);
        }
    }

    /** Size and sha256 check; on mismatch the partial file is deleted so no corrupt blob stays in the cache. */
    private static void verify(FileLocation location, Path incomplete, String what) throws IOException {
        long actualSize = Files.size(incomplete);
        if (location.size() >= 0 && actualSize != location.size()) {
            Files.deleteIfExists(incomplete);
            throw new HubException(HubException.Kind.INTEGRITY, "downloaded " + what + " has " + actualSize
                    + " bytes but the hub announced " + location.size() + "; the bad download was deleted, retry");
        }
        if (location.sha256() != null) {
            String actual = sha256(incomplete);
            if (!actual.equalsIgnoreCase(location.sha256())) {
                Files.deleteIfExists(incomplete);
                throw new HubException(HubException.Kind.INTEGRITY, "sha256 mismatch for " + what + ": expected "
                        + location.sha256() + " (announced by the hub) but the downloaded content hashes to " + actual
                        + "; the corrupt download was deleted, retry (or check the endpoint/mirror)");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
