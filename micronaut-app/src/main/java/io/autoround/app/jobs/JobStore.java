package io.autoround.app.jobs;

import io.autoround.app.ServiceConfig;
import io.autoround.export.StaleExportFolders;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * All jobs, in memory and in the {@link JobJournal}. At startup it reloads the journal; a job that was running
 * when the previous process died is marked failed (its partial output and the export's temporary folders beside
 * the job folder removed), queued jobs stay queued.
 */
@Singleton
public class JobStore implements AutoCloseable {
    /** A job the service stopped (shut down politely, or killed and found RUNNING at the restart): one state, one text. */
    static final String INTERRUPTED_REASON = "the service stopped while this job was running";
    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final JobJournal journal;
    private final Path outputRoot;

    public JobStore(ServiceConfig config, ObjectMapper json) {
        this.outputRoot = config.getOutputRoot().toAbsolutePath().normalize();
        this.journal = new JobJournal(config.getStateDir().resolve("jobs.jsonl"), json);
        try {
            Files.createDirectories(outputRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output root " + outputRoot + ": " + e.getMessage(), e);
        }
        for (JobView v : journal.load().values()) {
            Job job = new Job(v);
            if (v.state() == JobState.RUNNING) {
                job.finish(JobState.FAILED, INTERRUPTED_REASON);
                // the export's temporary folders lie beside the job folder (.<id>.tmp-<pid>-<n>), not inside it
                StaleExportFolders.clean(outputRoot, job.id());
                FileTrees.deleteQuietly(jobDir(job.id()));
            }
            jobs.put(job.id(), job);
        }
        StaleExportFolders.clean(outputRoot); // any other export temp folder of a dead process
        journal.compact(views());
    }

    /** A new queued job (persisted before it is returned). */
    public Job create(String id, Map<String, Object> options) {
        Job job = new Job(id, options);
        jobs.put(job.id(), job);
        persist(job);
        return job;
    }

    /** A fresh job id. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public Job get(String id) {
        return jobs.get(id);
    }

    public List<Job> all() {
        synchronized (jobs) {
            return new ArrayList<>(jobs.values());
        }
    }

    /** Jobs still waiting, in submission order (to re-queue after a restart). */
    public List<Job> queued() {
        return all().stream().filter(j -> j.state() == JobState.QUEUED).toList();
    }

    /** Appends the job's snapshot to the journal; compacts when the journal has grown well past the live set. */
    public void persist(Job job) {
        journal.append(job.view());
        if (journal.linesSinceCompaction() > 1000 + 4 * jobs.size()) {
            journal.compact(views());
        }
    }

    /** The folder a job writes into: {@code <output root>/<job id>}. */
    public Path jobDir(String id) {
        return outputRoot.resolve(id);
    }

    public Path outputRoot() {
        return outputRoot;
    }

    private List<JobView> views() {
        return all().stream().map(Job::view).toList();
    }

    @PreDestroy
    @Override
    public void close() {
        journal.close();
    }
}
