package io.autoround.app.jobs;

import io.autoround.api.BlockReport;
import io.autoround.api.ProgressListener;
import java.util.concurrent.CancellationException;

/**
 * Bridges the core's progress callbacks to a job: updates its state, journals finished blocks, publishes events
 * (iteration events at most every 100 ms so a fast run does not flood clients) and relays cancellation.
 */
final class JobProgress implements ProgressListener {
    private static final long ITERATION_EVENT_GAP_NANOS = 100_000_000L;
    private final Job job;
    private final JobStore store;
    private final JobEvents events;
    private long lastIterationEvent;

    JobProgress(Job job, JobStore store, JobEvents events) {
        this.job = job;
        this.store = store;
        this.events = events;
    }

    @Override
    public void phase(String name) {
        job.phase(name);
        events.publish(new JobEvent("phase", job.id(), JobState.RUNNING, name, null, null, null, null, null, null));
    }

    @Override
    public void iteration(int block, int it, int iters) {
        if (job.cancelRequested()) {
            // the core polls cancelled() between blocks; stopping here makes a cancel take one iteration, not one block
            throw new CancellationException("quantization cancelled");
        }
        job.iteration(block, it);
        long now = System.nanoTime();
        if (now - lastIterationEvent >= ITERATION_EVENT_GAP_NANOS || it == iters - 1) {
            lastIterationEvent = now;
            events.publish(new JobEvent("iteration", job.id(), JobState.RUNNING, null, block, it, iters, null, null, null));
        }
    }

    @Override
    public void blockDone(BlockReport report, int blocks) {
        job.blockDone(report, blocks);
        store.persist(job);
        events.publish(new JobEvent("block", job.id(), JobState.RUNNING, null, report.index(), null, null,
                BlockProgress.of(report), blocks, null));
    }

    @Override
    public boolean cancelled() {
        return job.cancelRequested();
    }
}
