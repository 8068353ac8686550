package io.autoround.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.autoround.quant.QuantizedWeight;
import java.util.Set;

/**
 * Dequantize once to fp32 and run dense DJL matmuls: every data type the checkpoint readers decode (int, MX, NV,
 * FP8), any device, always available. Schemes with dynamic MX or static NVFP4 activations get their activation
 * quant-dequant per call ({@link ActivationFakeQuant}); other activation quantization is refused. Memory is 4 bytes per weight.
 */
public final class DequantFp32Backend implements InferenceBackend {
    public static final String NAME = "dequant-fp32";

    private static final BackendCapabilities CAPS = new BackendCapabilities(Set.of(), Set.of(2, 3, 4, 8), Set.of(),
            Set.of(), Set.of("int", "mx_fp", "nv_fp", "fp"), Set.of(), 0, 0);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "dequantize once to fp32, dense DJL matmul (any device)";
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPS;
    }

    @Override
    public Availability availability(Device device) {
        return Availability.yes();
    }

    @Override
    public java.util.List<String> shapeProblems(LayerRequest request) {
        String reason = ActivationFakeQuant.unsupportedReason(request.scheme(), request.cols());
        return reason == null ? java.util.List.of() : java.util.List.of(reason);
    }

    @Override
    public QuantizedLinear create(QuantizedWeight weight, NDManager manager) {
        return new DequantizedLinear(weight, Float.NaN, manager);
    }

    @Override
    public QuantizedLinear create(QuantizedWeight weight, float inputGlobalScale, NDManager manager) {
        return new DequantizedLinear(weight, inputGlobalScale, manager);
    }
}
