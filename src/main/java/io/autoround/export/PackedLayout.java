package io.autoround.export;

import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.util.List;

/**
 * How one quantized Linear is stored as checkpoint tensors (qweight/qzeros/scales, weight_packed/weight_scale,
 * ...), in both directions. Implementations are stateless apart from their convention flags.
 */
public interface PackedLayout {

    /** Short name used in error messages, e.g. {@code "auto_round:auto_gptq"}. */
    String name();

    /** Throws {@link UnsupportedSchemeException} naming the layer when the layout cannot store the scheme/shape. */
    void check(String layer, QuantScheme scheme, int rows, int cols);

    /** The tensors of a quantized layer, named {@code <layer>.<suffix>}. */
    List<TensorData> pack(QuantizedWeight w);

    /** Reads a layer back; fails with {@link CheckpointFormatException} naming the layer on missing/bad tensors. */
    QuantizedWeight unpack(TensorSource src, String layer, QuantScheme scheme);

    /** Suffix of the tensor whose presence marks a quantized layer, e.g. {@code ".qweight"}. */
    String markerSuffix();

    /**
     * Per-layer tensors the quantizer must add with {@link CheckpointSink#addRaw} (e.g. NVFP4's static
     * {@code input_global_scale}), as suffixes; checked when the checkpoint is finished.
     */
    default List<String> requiredRawSuffixes(QuantScheme scheme) {
        return List.of();
    }

    /** True when the layer's bias is stored as fp16 (the reference's QuantLinear buffers); else kept as is. */
    default boolean biasAsFp16() {
        return true;
    }
}
