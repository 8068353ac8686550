package io.autoround.export;

import io.autoround.model.arch.CheckpointValidator;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantizedWeight;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/** One checkpoint format. Implementations are registered by name in {@link ExporterRegistry}. */
public interface Exporter {

    /** Format name, e.g. {@code auto_round}. */
    String name();

    /** Fails with {@link UnsupportedSchemeException} naming the layer when the format cannot hold the plan. */
    void validate(ExportPlan plan);

    /**
     * Quantized layers of the plan this format cannot pack because of their shape, each with the reason; the caller
     * keeps them in 16 bits (the plan is otherwise valid or invalid as {@link #validate} says). Default: none.
     */
    default java.util.Map<String, String> unpackableLayers(ExportPlan plan) {
        return java.util.Map.of();
    }

    /** Validates the plan and opens a streaming sink writing into a temporary folder. */
    CheckpointSink open(ExportPlan plan);

    /**
     * Convenience for whole-model export: writes {@code weights}, then copies every other tensor of the source
     * checkpoint (all but the {@code .weight} of quantized layers) byte for byte.
     */
    default Path export(ExportPlan plan, Collection<QuantizedWeight> weights) {
        try (CheckpointSink sink = open(plan);
                SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.sourceModelDir())) {
            for (QuantizedWeight w : weights) {
                sink.add(w);
            }
            copyUnquantized(source, plan, sink);
            return sink.finish();
        }
    }

    /** Adds every source tensor that is not the weight of a quantized layer to {@code sink}. */
    static void copyUnquantized(SafetensorsCheckpoint source, ExportPlan plan, CheckpointSink sink) {
        Set<String> quantizedWeights = new java.util.HashSet<>();
        plan.quantizedLayers().forEach(l -> quantizedWeights.add(l + ".weight"));
        for (TensorInfo t : source.tensors()) {
            if (!quantizedWeights.contains(t.name())) {
                CheckpointValidator.requireFinite(source, t, source); // a NaN norm would make the output useless
                sink.addRaw(new TensorData(t.name(), t.dtype(), t.shape(), source.readBytes(t.name())));
            }
        }
    }
}
