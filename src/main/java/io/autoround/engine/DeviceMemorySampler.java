package io.autoround.engine;

import java.util.function.Supplier;

/**
 * Samples the GPU memory in use ({@link DeviceMemory}) every millisecond on a daemon thread and keeps the most seen,
 * with the phase that was running then: the peak between two phase marks, which the marks alone miss (a fused
 * function's temporaries live only inside it). With {@code PYTORCH_NO_CUDA_MEMORY_CACHING=1} the driver's view is
 * libtorch's live tensors, so the peak and its phase say which step needs the memory. Diagnostics only.
 */
public final class DeviceMemorySampler implements AutoCloseable {
    private final Thread thread;
    private final Supplier<String> phase;
    private volatile boolean running = true;
    private volatile long peakBytes;
    private volatile String peakPhase = "";

    private DeviceMemorySampler(long context, Supplier<String> phase) {
        this.phase = phase;
        this.thread = Thread.ofPlatform().daemon().name("gpu-memory-sampler").start(() -> sample(context));
    }

    /**
     * A sampler on the CUDA context current on the calling thread, or null where there is none (CPU machines).
     *
     * @param phase the name of the step running now, read at each new peak
     */
    public static DeviceMemorySampler onCurrentContext(Supplier<String> phase) {
        long context = DeviceMemory.currentContext();
        return context == 0 ? null : new DeviceMemorySampler(context, phase);
    }

    /** The most memory in use seen since the last {@link #reset}, in bytes. */
    public long peakBytes() {
        return peakBytes;
    }

    /** The phase that was running when the peak was seen. */
    public String peakPhase() {
        return peakPhase;
    }

    /** Starts a new peak. */
    public void reset() {
        peakBytes = 0;
        peakPhase = "";
    }

    private void sample(long context) {
        if (!DeviceMemory.useContext(context)) {
            return;
        }
        while (running) {
            long used = DeviceMemory.usedBytes().orElse(0);
            if (used > peakBytes) {
                peakBytes = used;
                peakPhase = phase.get();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
