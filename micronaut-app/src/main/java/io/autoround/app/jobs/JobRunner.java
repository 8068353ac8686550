package io.autoround.app.jobs;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import io.autoround.app.ServiceConfig;
import io.autoround.app.web.ApiException;
import io.micronaut.context.annotation.Context;
import io.micronaut.http.HttpStatus;
import jakarta.annotation.PreDestroy;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs one at a time on a single worker thread with a bounded queue (DJL allows one gradient collector per
 * JVM, and two runs would only fight for the same cores). Created eagerly so that jobs still queued in the
 * journal start after a restart. Each job's log goes to {@code <state dir>/logs/<id>.log}.
 */
@Context
public class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private final JobStore store;
    private final JobEvents events;
    private final JobRequestParser parser;
    private final Path logDir;
    private final ThreadPoolExecutor executor;
    private volatile boolean stopping;

    public JobRunner(JobStore store, JobEvents events, JobRequestParser parser, ServiceConfig config) {
        this.store = store;
        this.events = events;
        this.parser = parser;
        this.logDir = config.getStateDir().resolve("logs");
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.getMaxQueuedJobs())), r -> {
                    Thread t = new Thread(r, "autoround-job");
                    t.setDaemon(true);
                    return t;
                });
        // nothing runs yet: hidden export folders beside a job's folder (.<id>.tmp-*) are leftovers of a process
        // killed mid-export, which deleting the job's folder at restart never reaches
        for (Job j : store.all()) {
            if (j.state() != JobState.QUEUED) {
                FileTrees.deleteLeftovers(store.outputRoot(), j.id());
            }
        }
        for (Job j : store.queued()) {
            enqueue(j);
        }
    }

    /** True when the queue has room for another job. */
    public boolean hasRoom() {
        return executor.getQueue().remainingCapacity() > 0;
    }

    /** Queues the job; 503 when the queue is full. */
    public void enqueue(Job job) {
        try {
            executor.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            job.finish(JobState.FAILED, "rejected: the job queue is full");
            store.persist(job);
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the job queue is full; retry later");
        }
    }

    /** The job's log file. */
    public Path logFile(String id) {
        return logDir.resolve(id + ".log");
    }

    private void run(Job job) {
        QuantizeOptions o;
        try {
            o = parser.parse(parser.toJson(job.options()));
        } catch (RuntimeException e) {
            if (job.state() == JobState.QUEUED) { // options valid at submission but not now (e.g. a model folder was removed)
                end(job, JobState.FAILED, "invalid options: " + e.getMessage());
            }
            return;
        }
        Path dir = store.jobDir(job.id());
        o.outputDir = dir.toString();
        if (!job.start(o.itersOrDefault() > 0 ? "SIGN_ROUND" : "RTN", o.itersOrDefault())) {
            return; // cancelled while queued
        }
        store.persist(job);
        events.publish(JobEvent.snapshot(job.view()));
        try {
            // PyTorch's grad mode is per thread and DJL turns it off only on the thread that loaded the engine;
            // the tuner's in-place updates of leaf tensors need it off here too.
            ai.djl.engine.Engine.getEngine("PyTorch");
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            Files.createDirectories(logDir);
            try (PrintStream log = new PrintStream(new FileOutputStream(logFile(job.id()).toFile(), true), true,
                    StandardCharsets.UTF_8)) {
                QuantizationReport report = new AutoRound(o, log).withListener(new JobProgress(job, store, events))
                        .quantizeAndSave();
                List<String> outs = report.outputs().stream()
                        .map(p -> relative(dir, p)).toList();
                job.succeed(outs, report);
                store.persist(job);
                events.publish(JobEvent.snapshot(job.view()));
            }
        } catch (CancellationException e) {
            FileTrees.deleteJobOutput(store.outputRoot(), job.id());
            end(job, stopping ? JobState.FAILED : JobState.CANCELLED, stopping ? JobStore.INTERRUPTED_REASON : "cancelled while running");
        } catch (IOException | RuntimeException | Error e) {
            LOG.warn("job {} failed", job.id(), e);
            FileTrees.deleteJobOutput(store.outputRoot(), job.id());
            end(job, JobState.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** An output folder relative to the job's folder; "." when the checkpoint is the job's folder itself. */
    private static String relative(Path dir, Path out) {
        String r = dir.relativize(out.toAbsolutePath().normalize()).toString();
        return r.isEmpty() ? "." : r;
    }

    private void end(Job job, JobState state, String why) {
        job.finish(state, why);
        store.persist(job);
        events.publish(JobEvent.snapshot(job.view()));
    }

    /** Stops the worker: a running job is interrupted at its next step and recorded as failed. */
    @PreDestroy
    @Override
    public void close() {
        stopping = true;
        executor.getQueue().clear(); // queued jobs stay QUEUED in the journal and run after a restart
        store.all().stream().filter(j -> j.state() == JobState.RUNNING).forEach(Job::requestCancel);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("a job did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
