package io.autoround.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;

/**
 * Base of the packed-checkpoint exporters: a format decides the packing layout per layer, its
 * quantization_config and its config.json style; validation and the streaming sink are shared.
 */
abstract class PackedExporter implements Exporter {

    /** The packing layout of a quantized layer with scheme {@code s} under this plan. */
    abstract PackedLayout layoutFor(ExportPlan plan, QuantScheme s);

    /** The quantization_config dict, in the reference's key order. */
    abstract ObjectNode quantizationConfig(ExportPlan plan);

    /** How config.json is written. */
    abstract ConfigJsonStyle configStyle(ExportPlan plan);

    /** Format-wide rules beyond the per-layer layout checks (e.g. no mixed bits); default none. */
    void validatePlan(ExportPlan plan) {}

    @Override
    public void validate(ExportPlan plan) {
        if (plan.quantizedLayers().isEmpty()) {
            throw new UnsupportedSchemeException(name() + ": the plan quantizes no layer");
        }
        validatePlan(plan);
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.sourceModelDir())) {
            for (String layer : plan.quantizedLayers()) {
                TensorInfo w = source.find(layer + ".weight").orElseThrow(() -> new UnsupportedSchemeException(
                        name() + ": layer '" + layer + "' has no weight '" + layer + ".weight' in " + plan.sourceModelDir()));
                if (w.shape().length != 2) {
                    throw new UnsupportedSchemeException(name() + ": layer '" + layer + "' weight is not 2-D");
                }
                QuantScheme s = plan.schemeOf(layer);
                layoutFor(plan, s).check(layer, s, Math.toIntExact(w.shape()[0]), Math.toIntExact(w.shape()[1]));
            }
        }
    }

    @Override
    public java.util.Map<String, String> unpackableLayers(ExportPlan plan) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.sourceModelDir())) {
            for (String layer : plan.quantizedLayers()) {
                TensorInfo w = source.find(layer + ".weight").orElse(null);
                if (w == null || w.shape().length != 2) {
                    continue; // validate() reports it
                }
                QuantScheme s = plan.schemeOf(layer);
                try {
                    layoutFor(plan, s).check(layer, s, Math.toIntExact(w.shape()[0]), Math.toIntExact(w.shape()[1]));
                } catch (UnpackableShapeException e) {
                    out.put(layer, e.getMessage());
                } catch (UnsupportedSchemeException e) {
                    // a scheme the format cannot hold at all: validate() reports it
                }
            }
        }
        return out;
    }

    @Override
    public CheckpointSink open(ExportPlan plan) {
        validate(plan);
        ObjectNode config = quantizationConfig(plan);
        ObjectNode sourceConfig = ModelSideFiles.readConfig(plan.sourceModelDir());
        long parameters = 0;
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.sourceModelDir())) {
            for (TensorInfo t : source.tensors()) {
                parameters += t.numel();
            }
        }
        long shardBytes = plan.options().effectiveMaxShardBytes(parameters);
        return new PackedCheckpointSink(plan, s -> layoutFor(plan, s), sourceConfig, config, configStyle(plan),
                shardBytes);
    }
}
