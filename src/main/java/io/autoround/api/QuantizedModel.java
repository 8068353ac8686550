package io.autoround.api;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;
import java.util.List;

/**
 * Result of {@link AutoRound#quantize()}: the resolved run and its quantized layers, held in memory until
 * {@link AutoRound#save} writes them (the reference's quantize() / save_quantized() pair).
 *
 * @param plan the resolved run
 * @param weights quantized layers in the order they were produced
 * @param tensors tensors computed besides the weights (e.g. calibrated {@code input_global_scale})
 * @param blocks per-block report
 * @param seconds quantization wall time
 */
public record QuantizedModel(RunPlan plan, List<QuantizedWeight> weights, List<TensorData> tensors,
        List<BlockReport> blocks, double seconds) {}
