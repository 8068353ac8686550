package io.autoround.infer;

import ai.djl.ndarray.NDArray;

/**
 * A backend's replacement for one quantized Linear: computes {@code x W^T} (no bias) from the backend's own weight
 * representation. Its arrays belong to the model's manager and are freed with the model.
 */
public interface QuantizedLinear {

    /** x [..., in] -> [..., out], allocated on x's manager. */
    NDArray forward(NDArray x);

    /** Bytes this module holds for the weight (codes, scales, zeros, or the dequantized matrix). */
    long residentBytes();
}
