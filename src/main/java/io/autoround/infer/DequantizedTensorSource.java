package io.autoround.infer;

import io.autoround.export.QuantizedCheckpoint;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.QuantizedWeight;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A quantized checkpoint seen as plain fp32 weights: each quantized layer's {@code .weight} is dequantized on
 * demand (the "dequantize once" path), every other tensor comes from the checkpoint as stored.
 */
public final class DequantizedTensorSource implements TensorSource {
    private final QuantizedCheckpoint checkpoint;
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final Map<String, String> weightToLayer = new LinkedHashMap<>();
    private final boolean placeholders;

    public DequantizedTensorSource(QuantizedCheckpoint checkpoint) {
        this(checkpoint, false);
    }

    /**
     * @param placeholders when true, quantized layers' weights are reported as placeholders (see
     *     {@link TensorSource#isPlaceholder}) so a loader does not materialize them: an inference backend serves them
     */
    public DequantizedTensorSource(QuantizedCheckpoint checkpoint, boolean placeholders) {
        this.checkpoint = checkpoint;
        this.placeholders = placeholders;
        for (String raw : checkpoint.rawTensorNames()) {
            checkpoint.tensors().find(raw).ifPresent(t -> infos.put(raw, t));
        }
        for (QuantizedWeight w : checkpoint.weights().values()) {
            String name = w.name() + ".weight";
            infos.put(name, new TensorInfo(name, DType.F32, new long[] {w.rows(), w.cols()}, 0, 4L * w.rows() * w.cols()));
            weightToLayer.put(name, w.name());
        }
    }

    @Override
    public List<TensorInfo> tensors() {
        return new ArrayList<>(infos.values());
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    @Override
    public boolean isPlaceholder(String name) {
        return placeholders && weightToLayer.containsKey(name);
    }

    @Override
    public float[] readFloats(String name) {
        String layer = weightToLayer.get(name);
        return layer != null ? checkpoint.dequantize(layer) : checkpoint.tensors().readFloats(name);
    }

    @Override
    public MemorySegment data(String name) {
        String layer = weightToLayer.get(name);
        if (layer == null) {
            return checkpoint.tensors().data(name);
        }
        float[] v = checkpoint.dequantize(layer);
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return MemorySegment.ofArray(b.array());
    }

    @Override
    public void close() {
        checkpoint.close();
    }

    @Override
    public String toString() {
        return checkpoint.dir() + " (dequantized)";
    }
}
