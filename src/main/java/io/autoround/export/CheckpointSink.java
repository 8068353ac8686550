package io.autoround.export;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;
import java.nio.file.Path;

/**
 * Receives a model's tensors incrementally (layer by layer) and writes a quantized checkpoint. Nothing appears at
 * the output folder until {@link #finish()} succeeds; {@link #close()} without finish removes all partial output.
 */
public interface CheckpointSink extends AutoCloseable {

    /** Packs and stores one quantized layer. */
    void add(QuantizedWeight weight);

    /** Stores an unquantized tensor (norms, embeddings, 16-bit layers, biases) in its own dtype. */
    void addRaw(TensorData tensor);

    /** Writes the remaining shards and configs, copies the model's side files and moves the folder into place. */
    Path finish();

    /** Discards everything written so far (no-op after finish). */
    @Override
    void close();
}
