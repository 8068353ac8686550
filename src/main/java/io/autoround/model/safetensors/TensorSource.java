package io.autoround.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/** Read access to named tensors, from one safetensors file or a sharded checkpoint. */
public interface TensorSource extends AutoCloseable {

    /** Tensor entries in storage order. */
    List<TensorInfo> tensors();

    /** The entry for {@code name}, if present. */
    Optional<TensorInfo> find(String name);

    /** Raw little-endian bytes of a tensor (a view; valid until close). */
    MemorySegment data(String name);

    /**
     * Applies {@code reader} to the tensor's raw bytes and returns its result; the segment is valid only during the
     * call. Memory-mapped sources map just this tensor and unmap it afterwards, so reading a model block by block
     * does not leave the whole file's pages counted in the process's resident memory.
     */
    default <T> T withData(String name, java.util.function.Function<MemorySegment, T> reader) {
        return reader.apply(data(name));
    }

    /**
     * True when the tensor's values are supplied later by another module (e.g. a quantized layer whose weight an
     * inference backend computes from packed codes): loaders may then keep a shape-only placeholder.
     */
    default boolean isPlaceholder(String name) {
        return false;
    }

    default boolean contains(String name) {
        return find(name).isPresent();
    }

    /** The entry for {@code name}, or a clear error naming the missing tensor. */
    default TensorInfo info(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("tensor '" + name + "' not found in " + this));
    }

    /** All elements widened to fp32 (bf16/fp16/fp8 are widened exactly in Java). */
    default float[] readFloats(String name) {
        TensorInfo t = info(name);
        return ElementCodec.toFloats(data(name), t.dtype(), Math.toIntExact(t.numel()));
    }

    /** All elements of an integer tensor as int. */
    default int[] readInts(String name) {
        TensorInfo t = info(name);
        return ElementCodec.toInts(data(name), t.dtype(), Math.toIntExact(t.numel()));
    }

    /** All elements of an integer tensor as long. */
    default long[] readLongs(String name) {
        TensorInfo t = info(name);
        return ElementCodec.toLongs(data(name), t.dtype(), Math.toIntExact(t.numel()));
    }

    /** Raw bytes copied to a heap array. */
    default byte[] readBytes(String name) {
        return data(name).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Override
    void close();
}
