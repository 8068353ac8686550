package io.autoround.app.jobs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Recursive deletion of a job's output (never following symbolic links). */
final class FileTrees {
    private FileTrees() {}

    /**
     * Removes a job's folder and the hidden folders an interrupted export leaves beside it: when the checkpoint
     * is the job's folder itself, the core writes {@code .<job id>.tmp-*} (and {@code .<job id>.old-*}) next to
     * it in the output root, where deleting the job's folder alone would never reach.
     */
    static void deleteJobOutput(Path outputRoot, String jobId) {
        deleteQuietly(outputRoot.resolve(jobId));
        deleteLeftovers(outputRoot, jobId);
    }

    /** Only the hidden export leftovers beside a job's folder (for jobs that are not running). */
    static void deleteLeftovers(Path outputRoot, String jobId) {
        if (!Files.isDirectory(outputRoot, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(outputRoot,
                p -> p.getFileName().toString().startsWith("." + jobId + ".tmp-")
                        || p.getFileName().toString().startsWith("." + jobId + ".old-"))) {
            for (Path p : s) {
                deleteQuietly(p);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(FileTrees.class).warn("cannot list {}: {}", outputRoot, e.getMessage());
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(FileTrees.class).warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
