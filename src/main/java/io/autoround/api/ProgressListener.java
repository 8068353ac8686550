package io.autoround.api;

/** Progress of a quantization run, for terminals, job services and tests. All methods default to no-ops. */
public interface ProgressListener {

    /** A phase starts: "calibration", "quantize", "export", "eval". */
    default void phase(String name) {}

    /** Tuning iteration {@code it} (0-based) of block {@code block} finished. */
    default void iteration(int block, int it, int iters) {}

    /** A block (or, for RTN, a layer group) is done. */
    default void blockDone(BlockReport report, int blocks) {}

    /**
     * A decoder block's weights were read from the checkpoint or freed (block streaming, {@code low_cpu_mem_usage});
     * the event says how many blocks and bytes of block weights are held now.
     */
    default void blockResidency(io.autoround.model.nn.BlockResidency event) {}

    /** Polled between steps; returning true stops the run with {@link java.util.concurrent.CancellationException}. */
    default boolean cancelled() {
        return false;
    }
}
