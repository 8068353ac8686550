package io.autoround.tune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.engine.DeviceMemory;
import io.autoround.engine.DeviceMemorySampler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Diagnostic per-phase timing of block tuning, on with {@code AR_TUNE_PROFILE=1}: each mark waits for the device
 * (a tiny device-to-host copy, ordered after all queued work) and charges the time since the previous mark to a
 * phase; the totals are printed per block, with the most GPU memory in use seen at a mark. Off (the default) it costs
 * nothing and never synchronizes.
 */
public final class TuningProfile {
    static final boolean ENABLED = "1".equals(System.getenv("AR_TUNE_PROFILE"));
    private static final Map<String, Double> SECONDS = new LinkedHashMap<>();
    private static long last = System.nanoTime();
    private static long maxDeviceBytes;
    private static volatile String phase = "start"; // the step running now: the one after the last mark
    private static DeviceMemorySampler sampler;

    private TuningProfile() {}

    /** Starts timing from now (after waiting for the device). */
    public static void start(NDManager device) {
        if (ENABLED) {
            sync(device);
            if (sampler == null && device.getDevice().isGpu()) {
                sampler = DeviceMemorySampler.onCurrentContext(() -> phase);
            }
            phase = "start";
            last = System.nanoTime();
        }
    }

    /** Charges the time since the previous mark to {@code phase}. */
    public static void mark(String phase, NDManager device) {
        if (ENABLED) {
            sync(device);
            long now = System.nanoTime();
            SECONDS.merge(phase, (now - last) / 1e9, Double::sum);
            if (device.getDevice().isGpu()) {
                DeviceMemory.usedBytes().ifPresent(b -> maxDeviceBytes = Math.max(maxDeviceBytes, b));
            }
            TuningProfile.phase = "after " + phase;
            last = System.nanoTime();
        }
    }

    /** Prints the GPU memory in use now, under {@code label}. */
    public static void memory(String label, NDManager device) {
        if (ENABLED && device.getDevice().isGpu()) {
            sync(device);
            DeviceMemory.usedBytes().ifPresent(b -> System.err.printf("profile: GPU memory in use %s %.2f GiB%n", label,
                    b / 1073741824.0));
        }
    }

    /** Prints and clears the totals. */
    public static void report(String block) {
        if (ENABLED) {
            StringBuilder b = new StringBuilder("profile " + block + ":");
            SECONDS.forEach((k, v) -> b.append(String.format(" %s %.2fs", k, v)));
            if (maxDeviceBytes > 0) {
                b.append(String.format("; GPU memory in use (most seen at a mark) %.2f GiB", maxDeviceBytes / 1073741824.0));
            }
            if (sampler != null && sampler.peakBytes() > 0) {
                b.append(String.format("; sampled peak %.2f GiB %s", sampler.peakBytes() / 1073741824.0,
                        sampler.peakPhase()));
                sampler.reset();
            }
            System.err.println(b);
            SECONDS.clear();
            maxDeviceBytes = 0;
        }
    }

    private static void sync(NDManager device) {
        try (NDManager m = device.newSubManager()) {
            m.zeros(new Shape(1)).getFloat();
        }
    }
}
