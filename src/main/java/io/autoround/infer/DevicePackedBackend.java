package io.autoround.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.autoround.quant.QuantizedWeight;
import java.util.Set;

/**
 * Packed codes kept on the DJL device and dequantized per call ({@link DevicePackedLinear}): the memory of packed
 * weights on a GPU without a custom kernel. Serves CUDA devices (its purpose) and the CPU (where
 * {@link PackedCpuBackend} ranks higher).
 */
public final class DevicePackedBackend implements InferenceBackend {
    public static final String NAME = "djl-packed";

    private static final BackendCapabilities CAPS = new BackendCapabilities(Set.of("cpu", "gpu"), Set.of(2, 3, 4, 8),
            Set.of(), Set.of(), Set.of("int"), Set.of(), 16, 4);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "packed uint8 codes on the DJL device, dequantized per call (CUDA or CPU)";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPS;
    }

    @Override
    public Availability availability(Device device) {
        if (device.isGpu() && Engine.getEngine("PyTorch").getGpuCount() <= device.getDeviceId()) {
            return Availability.no("no CUDA device " + device + " visible to DJL PyTorch",
                    "use a CUDA machine with the DJL pytorch-native-cu* runtime (or PYTORCH_FLAVOR=cu124)");
        }
        return Availability.yes();
    }

    @Override
    public java.util.List<String> shapeProblems(LayerRequest request) {
        return request.scheme().groupSize() == 0 ? java.util.List.of("per-tensor scales are not supported")
                : java.util.List.of();
    }

    @Override
    public QuantizedLinear create(QuantizedWeight weight, NDManager manager) {
        return new DevicePackedLinear(weight, manager);
    }
}
