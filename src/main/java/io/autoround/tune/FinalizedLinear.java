package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import io.autoround.quant.QuantizedWeight;

/**
 * A Linear whose final quantization was computed on the tuning device.
 *
 * @param weight codes, scales and zero points for the exporters (on the host)
 * @param dequantized the fake-quantized weight [rows, cols] in fp32 (rounded to the model precision), on the tuning
 *     device and owned by the manager of the layer's weight, so the next block's inputs are computed without the
 *     weight crossing the bus
 */
public record FinalizedLinear(QuantizedWeight weight, NDArray dequantized) {
}
