package io.autoround.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.autoround.quant.QuantizedWeight;
import java.util.List;

/**
 * An inference backend for quantized Linear layers, discovered through {@link java.util.ServiceLoader} like DJL's
 * engine providers: it declares what it serves ({@link #capabilities}), whether it can run here
 * ({@link #availability}), and builds one {@link QuantizedLinear} per layer.
 */
public interface InferenceBackend {

    /** The name used by {@code --backend NAME}. */
    String name();

    /** One line: what the backend does. */
    String description();

    BackendCapabilities capabilities();

    /** Whether the libraries and the device this backend needs are present. */
    Availability availability(Device device);

    /** Shape predicates beyond the declared capabilities (like the reference's checkers); empty when fine. */
    default List<String> shapeProblems(LayerRequest request) {
        return List.of();
    }

    /** Builds the module for one layer; its arrays live on {@code manager} (the model's). */
    QuantizedLinear create(QuantizedWeight weight, NDManager manager);

    /**
     * Builds the module for a layer whose activations use the checkpoint's static NVFP4 {@code input_global_scale}
     * ({@code inputGlobalScale}; NaN for layers without one). Backends that cannot apply it refuse it by name.
     */
    default QuantizedLinear create(QuantizedWeight weight, float inputGlobalScale, NDManager manager) {
        if (!Float.isNaN(inputGlobalScale)) {
            throw new UnsupportedOperationException(weight.name() + ": backend " + name()
                    + " does not apply static NVFP4 activation scales (input_global_scale)");
        }
        return create(weight, manager);
    }
}
