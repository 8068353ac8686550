package io.autoround.api;

/** Progress of a quantization run, for terminals, job services and tests. All methods default to no-ops. */
public interface ProgressListener {

    /** A phase starts: "calibration", "quantize", "export", "eval". */
    default void phase(String name) {}

    /** Tuning iteration {@code it} (0-based) of block {@code block} finished. */
    default void iteration(int block, int it, int iters) {}

    /** A block (or, for RTN, a layer group) is done. */
    default void blockDone(BlockReport report, int blocks) {}

    /** Polled between steps; returning true stops the run with {@link java.util.concurrent.CancellationException}. */
    default boolean cancelled() {
        return false;
    }
}
