package io.autoround.app.jobs;

import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only JSON-lines journal of job snapshots: every state change appends the whole job and fsyncs, so a
 * crash loses nothing already acknowledged. On load the last line of each job wins and a torn last line (a crash
 * mid-write) is skipped. {@link #compact} rewrites the live set to a temp file, fsyncs and renames it atomically.
 */
final class JobJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
    private final Path file;
    private final ObjectMapper json;
    private FileChannel out;
    private int lines;

    JobJournal(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** Latest snapshot of every job in the journal, in submission order. */
    synchronized Map<String, JobView> load() {
        Map<String, JobView> jobs = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return jobs;
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < all.size(); i++) {
                String line = all.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JobView v = json.readValue(line, JobView.class);
                    jobs.put(v.id(), v);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("journal {}: skipping unreadable line {} ({})", file, i + 1, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job journal " + file + ": " + e.getMessage(), e);
        }
        return jobs;
    }

    /** Appends one snapshot and forces it to disk. */
    synchronized void append(JobView v) {
        try {
            if (out == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            ByteBuffer buf = ByteBuffer.wrap((json.writeValueAsString(v) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(false);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to job journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Lines appended since the last compaction. */
    synchronized int linesSinceCompaction() {
        return lines;
    }

    /** Replaces the journal by one line per job, atomically. */
    synchronized void compact(Collection<JobView> jobs) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                StringBuilder sb = new StringBuilder();
                for (JobView v : jobs) {
                    sb.append(json.writeValueAsString(v)).append('\n');
                }
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            closeChannel();
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            lines = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact job journal " + file + ": " + e.getMessage(), e);
        }
    }

    private void closeChannel() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            LOG.warn("closing job journal {}: {}", file, e.getMessage());
        }
    }
}
