package io.autoround.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.model.arch.CheckpointValidator;
import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a quantized checkpoint folder written by any supported format (auto_round with its packings, auto_gptq,
 * auto_awq, llm_compressor) back into {@link QuantizedWeight}s. The quantization config comes from
 * {@code config.json} (or {@code quantization_config.json}); quantized layers are found by their packed tensors.
 */
public final class QuantizedCheckpointReader {
    private QuantizedCheckpointReader() {}

    /** Opens and unpacks {@code dir}; the result must be closed. */
    public static QuantizedCheckpoint read(Path dir) {
        ObjectNode qc = quantizationConfig(dir);
        FormatRules rules = FormatRules.of(qc, dir.resolve("config.json").toString());
        SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir);
        try {
            Map<String, QuantizedWeight> weights = new LinkedHashMap<>();
            String marker = rules.layout().markerSuffix();
            for (TensorInfo t : tensors.tensors()) {
                if (!t.name().endsWith(marker)) {
                    continue;
                }
                String layer = t.name().substring(0, t.name().length() - marker.length());
                QuantScheme s = rules.layerScheme().apply(layer);
                if (s.keepsFullPrecision()) {
                    throw new CheckpointFormatException(rules.format() + " layer '" + layer + "' has packed tensors"
                            + " but the quantization config keeps it at " + s.bits() + " bits");
                }
                QuantizedWeight w = rules.layout().unpack(tensors, layer, s);
                CheckpointValidator.requireFinite(layer + " (its scales)", w.scales(), dir);
                weights.put(layer, w);
            }
            checkNoOrphans(tensors, weights, rules);
            return new QuantizedCheckpoint(dir, rules.format(), qc, rules.scheme(), weights, tensors);
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** A scale or zero tensor without its packed weight means a damaged checkpoint: name the layer. */
    private static void checkNoOrphans(SafetensorsCheckpoint tensors, Map<String, QuantizedWeight> weights,
            FormatRules rules) {
        for (TensorInfo t : tensors.tensors()) {
            for (String suffix : new String[] {".scales", ".qzeros", ".weight_scale", ".weight_zero_point"}) {
                if (t.name().endsWith(suffix)) {
                    String layer = t.name().substring(0, t.name().length() - suffix.length());
                    if (!weights.containsKey(layer)) {
                        throw new CheckpointFormatException(rules.format() + " layer '" + layer + "': tensor '"
                                + t.name() + "' has no packed weight '" + layer + rules.layout().markerSuffix() + "'");
                    }
                }
            }
        }
    }

    /** The quantization_config of a checkpoint folder. */
    public static ObjectNode quantizationConfig(Path dir) {
        ModelFiles.requireListable(dir);
        ModelRoot root = ModelRoot.of(dir);
        Path config = root.file("config.json");
        Path separate = root.file("quantization_config.json");
        if (ModelFiles.isRegularFile(config) && readJson(config).get("quantization_config") instanceof ObjectNode o) {
            return o;
        }
        if (ModelFiles.isRegularFile(separate) && readJson(separate) instanceof ObjectNode o) {
            return o;
        }
        throw new CheckpointFormatException(dir + " is not a quantized checkpoint: no quantization_config in config.json"
                + " or quantization_config.json");
    }

    private static JsonNode readJson(Path file) {
        byte[] bytes = ModelFiles.readAllBytes(file);
        try {
            return PythonJson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new CheckpointFormatException(file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
