package io.autoround.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A quantized checkpoint read back: the unpacked layers, the quantization config and the open tensor source for
 * the unquantized tensors (norms, embeddings, 16-bit layers). Close it to release the mapped files.
 *
 * @param dir the checkpoint folder
 * @param format detected packing, e.g. {@code auto_round:auto_gptq}, {@code auto_gptq}, {@code auto_awq},
 *     {@code llm_compressor:pack-quantized}
 * @param quantizationConfig the {@code quantization_config} dict
 * @param scheme the global scheme
 * @param weights quantized layers by name, in checkpoint order
 * @param tensors all tensors of the checkpoint
 */
public record QuantizedCheckpoint(Path dir, String format, ObjectNode quantizationConfig, QuantScheme scheme,
        Map<String, QuantizedWeight> weights, SafetensorsCheckpoint tensors) implements AutoCloseable {

    /** The dequantized fp32 weight [rows * cols] of a quantized layer. */
    public float[] dequantize(String layer) {
        QuantizedWeight w = weights.get(layer);
        if (w == null) {
            throw new IllegalArgumentException("layer '" + layer + "' is not quantized in " + dir);
        }
        return Dequantizer.dequantize(w);
    }

    /** Names of the tensors that are not part of a quantized layer (copied as is by the exporters). */
    public List<String> rawTensorNames() {
        List<String> out = new ArrayList<>();
        for (TensorInfo t : tensors.tensors()) {
            String name = t.name();
            int dot = name.lastIndexOf('.');
            String layer = dot < 0 ? name : name.substring(0, dot);
            if (!weights.containsKey(layer) || name.endsWith(".bias")) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public void close() {
        tensors.close();
    }
}
