package io.autoround.infer.gguf;

import io.autoround.export.gguf.GgufArchitecture;
import io.autoround.export.gguf.GgufFormatException;
import io.autoround.export.gguf.GgufReader;
import io.autoround.export.gguf.GgufTensorInfo;
import io.autoround.export.gguf.RopeRowPermutation;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file's tensors under their Hugging Face names, each dequantized to fp32 on demand (any type
 * {@link GgufReader#dequantize} reads) in row-major Hugging Face layout: for the {@code llama} architecture the Q/K
 * rows (and biases) llama.cpp's converter interleaved for its RoPE are put back in rotate-half order, exactly.
 * Closing the source closes the reader.
 */
public final class GgufTensorSource implements TensorSource {
    private final GgufReader reader;
    private final GgufArchitecture arch;
    private final ModelConfig config;
    private final Object file;
    private final Map<String, GgufTensorInfo> byHfName = new LinkedHashMap<>();
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();

    /**
     * @param file the file's name for messages
     * @throws UnsupportedOperationException for a tensor with no Hugging Face name, naming the file and tensor
     */
    public GgufTensorSource(GgufReader reader, GgufArchitecture arch, ModelConfig config, Object file) {
        this.reader = reader;
        this.arch = arch;
        this.config = config;
        this.file = file;
        for (GgufTensorInfo t : reader.tensors()) {
            String hf;
            try {
                hf = arch.hfTensorName(t.name());
            } catch (UnsupportedOperationException e) {
                throw new UnsupportedOperationException(file + ": " + e.getMessage(), e);
            }
            long[] shape = new long[t.dims().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.dims()[shape.length - 1 - i];
            }
            byHfName.put(hf, t);
            infos.put(hf, new TensorInfo(hf, DType.F32, shape, 0, 4 * t.numel()));
        }
    }

    /** The GGUF tensor behind a Hugging Face name. */
    public GgufTensorInfo ggufTensor(String hfName) {
        GgufTensorInfo t = byHfName.get(hfName);
        if (t == null) {
            throw new GgufFormatException(file + ": no tensor " + hfName);
        }
        return t;
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
    public float[] readFloats(String name) {
        GgufTensorInfo t = ggufTensor(name);
        float[] x = reader.dequantize(t);
        int heads = arch.permuteHeads(name, config);
        if (heads == 0) {
            return x;
        }
        int width = t.dims().length == 1 ? 1 : Math.toIntExact(t.dims()[0]);
        int rows = x.length / width;
        int[] permuted = RopeRowPermutation.sourceRows(rows, heads);
        return RopeRowPermutation.apply(x, width, RopeRowPermutation.inverse(permuted));
    }

    @Override
    public MemorySegment data(String name) {
        float[] v = readFloats(name);
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return MemorySegment.ofArray(b.array());
    }

    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "GGUF file " + file + " (dequantized to fp32)";
    }
}
