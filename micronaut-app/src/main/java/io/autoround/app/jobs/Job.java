package io.autoround.app.jobs;

import io.autoround.api.BlockReport;
import io.autoround.api.QuantizationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The mutable, thread-safe state of one job; {@link #view()} gives an immutable snapshot. */
public final class Job {
    private final String id;
    private final Map<String, Object> options;
    private final String createdAt;
    private JobState state;
    private String phase;
    private String startedAt;
    private String finishedAt;
    private String algorithm;
    private Integer currentBlock;
    private Integer iteration;
    private Integer iters;
    private final List<BlockProgress> blocksDone = new ArrayList<>();
    private Integer blocksTotal;
    private final List<String> outputs = new ArrayList<>();
    private String error;
    private Double seconds;
    private volatile boolean cancelRequested;

    Job(String id, Map<String, Object> options) {
        this.id = id;
        this.options = Map.copyOf(options);
        this.createdAt = Instant.now().toString();
        this.state = JobState.QUEUED;
    }

    /** Rebuilds a job from its journal record. */
    Job(JobView v) {
        this.id = v.id();
        this.options = v.options();
        this.createdAt = v.createdAt();
        this.state = v.state();
        this.phase = v.phase();
        this.startedAt = v.startedAt();
        this.finishedAt = v.finishedAt();
        this.algorithm = v.algorithm();
        this.currentBlock = v.currentBlock();
        this.iteration = v.iteration();
        this.iters = v.iters();
        this.blocksDone.addAll(v.blocksDone());
        this.blocksTotal = v.blocksTotal();
        this.outputs.addAll(v.outputs());
        this.error = v.error();
        this.seconds = v.seconds();
    }

    public String id() {
        return id;
    }

    public Map<String, Object> options() {
        return options;
    }

    public synchronized JobState state() {
        return state;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** QUEUED -> RUNNING; false when the job was cancelled while waiting. */
    synchronized boolean start(String algorithm, int iters) {
        if (state != JobState.QUEUED) {
            return false;
        }
        state = JobState.RUNNING;
        startedAt = Instant.now().toString();
        this.algorithm = algorithm;
        this.iters = iters;
        return true;
    }

    /**
     * Asks the job to stop: a queued job is cancelled at once (returns true), a running job stops at its next
     * step (returns false; the runner finishes the cancellation).
     */
    synchronized boolean requestCancel() {
        cancelRequested = true;
        if (state == JobState.QUEUED) {
            finish(JobState.CANCELLED, "cancelled before it started");
            return true;
        }
        return false;
    }

    synchronized void phase(String name) {
        phase = name;
    }

    synchronized void iteration(int block, int it) {
        currentBlock = block;
        iteration = it;
    }

    synchronized void blockDone(BlockReport r, int blocks) {
        blocksDone.add(BlockProgress.of(r));
        blocksTotal = blocks;
    }

    synchronized void succeed(List<String> relativeOutputs, QuantizationReport report) {
        outputs.addAll(relativeOutputs);
        algorithm = report.algorithm().name();
        seconds = report.seconds();
        finish(JobState.SUCCEEDED, null);
    }

    synchronized void finish(JobState terminal, String why) {
        state = terminal;
        error = why;
        phase = null;
        finishedAt = Instant.now().toString();
    }

    public synchronized JobView view() {
        return new JobView(id, state, phase, options, createdAt, startedAt, finishedAt, algorithm, currentBlock, iteration,
                iters, List.copyOf(blocksDone), blocksTotal, List.copyOf(outputs), error, seconds);
    }
}
