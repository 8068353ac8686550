package io.autoround.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.autoround.quant.QuantizedWeight;
import java.util.Set;

/**
 * Packed int codes read directly by a plain-Java Vector API kernel on the CPU ({@link PackedIntKernel}); holds about
 * the packed bytes plus scales. Needs the {@code jdk.incubator.vector} module ({@code --add-modules}).
 */
public final class PackedCpuBackend implements InferenceBackend {
    public static final String NAME = "packed-cpu";

    private static final BackendCapabilities CAPS = new BackendCapabilities(Set.of("cpu"), Set.of(2, 3, 4, 8),
            Set.of(), Set.of(), Set.of("int"), Set.of(), 16, 6);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "packed int2/3/4/8 codes, Java Vector API kernel (CPU)";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPS;
    }

    @Override
    public Availability availability(Device device) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Availability.no("the jdk.incubator.vector module is not loaded",
                    "start the JVM with --add-modules jdk.incubator.vector (bin/auto-round does)");
        }
        return device.isGpu() ? Availability.no("runs on the CPU only", "") : Availability.yes();
    }

    @Override
    public java.util.List<String> shapeProblems(LayerRequest request) {
        return request.scheme().groupSize() == 0 ? java.util.List.of("per-tensor scales are not supported")
                : java.util.List.of();
    }

    @Override
    public QuantizedLinear create(QuantizedWeight weight, NDManager manager) {
        return new PackedCpuLinear(weight);
    }
}
