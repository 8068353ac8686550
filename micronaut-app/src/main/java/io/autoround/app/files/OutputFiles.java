package io.autoround.app.files;

import io.autoround.app.jobs.JobStore;
import io.autoround.app.web.ApiException;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A job's output files: listing (regular files only, links never followed) and guarded opening for download. */
@Singleton
public class OutputFiles {
    private final JobStore store;

    public OutputFiles(JobStore store) {
        this.store = store;
    }

    /** Paths (relative, '/'-separated) and sizes of the regular files under the job's folder. */
    public List<Listed> list(String jobId) {
        Path dir = store.jobDir(jobId);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> new Listed(dir.relativize(p).toString().replace('\\', '/'), size(p)))
                    .sorted(java.util.Comparator.comparing(Listed::path)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The real file a download names; 400 for paths that would leave the job's folder, 404 for missing files. */
    public Path resolve(String jobId, String relative) {
        Path dir = store.jobDir(jobId);
        if (!Files.isDirectory(dir)) {
            throw ApiException.notFound("job " + jobId + " has no output files");
        }
        Path p;
        try {
            // the job's folder itself must really lie under the output root, not link elsewhere
            PathGuard.resolveInside(store.outputRoot(), jobId);
            p = PathGuard.resolveInside(dir, relative);
        } catch (PathGuard.PathEscapeException e) {
            throw ApiException.badField("path", e.getMessage());
        }
        if (!Files.isRegularFile(p)) {
            throw ApiException.notFound("job " + jobId + " has no file '" + relative + "'");
        }
        return p;
    }

    /** A stream over bytes {@code first..first+length-1} of the file. */
    public static InputStream open(Path file, long first, long length) {
        try {
            FileChannel ch = FileChannel.open(file);
            ch.position(first);
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (IOException e) {
            throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "cannot read " + file.getFileName() + ": " + e.getMessage());
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** One listed file. */
    public record Listed(String path, long size) {}
}
