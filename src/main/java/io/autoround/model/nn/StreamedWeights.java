package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.engine.OffHeapArrays;
import io.autoround.model.arch.Architecture;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The weights of a model opened for block streaming (the reference's {@code low_cpu_mem_usage}): the checkpoint stays
 * open (memory-mapped, in its own dtype, nothing read ahead) and a decoder block is widened to fp32 only when it is
 * acquired, on its own memory scope that {@link #release} closes. Embedding rows are read per lookup, so neither the
 * embedding matrix nor the blocks not in use are resident.
 */
final class StreamedWeights implements AutoCloseable {
    private final Architecture arch;
    private final SafetensorsCheckpoint checkpoint;
    private final NDManager manager;
    private final Consumer<BlockResidency> listener;
    private final Map<Integer, Held> held = new TreeMap<>();
    private long heldBytes;

    private record Held(DecoderBlock block, NDManager scope, long bytes) {}

    StreamedWeights(Architecture arch, SafetensorsCheckpoint checkpoint, NDManager manager, Consumer<BlockResidency> listener) {
        this.arch = arch;
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.listener = listener == null ? e -> {} : listener;
        TensorInfo embed = checkpoint.info(Architecture.EMBEDDINGS + ".weight");
        long[] expected = {arch.config().vocabSize(), arch.config().hiddenSize()};
        if (!Arrays.equals(embed.shape(), expected)) {
            throw new IllegalArgumentException("tensor '" + embed.name() + "' has shape " + Arrays.toString(embed.shape())
                    + " but config.json implies " + Arrays.toString(expected));
        }
    }

    /** Loader of resident (non-block) weights such as the final norm. */
    CheckpointWeights residentWeights() {
        return new CheckpointWeights(checkpoint, manager, true);
    }

    boolean isResident(int block) {
        return held.containsKey(block);
    }

    /** The block, loading its weights from the checkpoint if it is not held. */
    DecoderBlock acquire(int block) {
        Held h = held.get(block);
        if (h != null) {
            return h.block();
        }
        if (block < 0 || block >= arch.numBlocks()) {
            throw new IndexOutOfBoundsException("block " + block + " of a model with " + arch.numBlocks() + " blocks");
        }
        NDManager scope = manager.newSubManager();
        try {
            CheckpointWeights w = new CheckpointWeights(checkpoint, scope, true);
            DecoderBlock b = DecoderBlock.load(arch, block, w);
            held.put(block, new Held(b, scope, w.loadedBytes()));
            heldBytes += w.loadedBytes();
            listener.accept(new BlockResidency(block, true, w.loadedBytes(), held.size(), heldBytes));
            return b;
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** Frees the block's weights and every array made on its scope (e.g. quantized weight overrides). */
    void release(int block) {
        Held h = held.remove(block);
        if (h == null) {
            return;
        }
        h.scope().close();
        heldBytes -= h.bytes();
        listener.accept(new BlockResidency(block, false, h.bytes(), held.size(), heldBytes));
    }

    /** Embedding rows of {@code ids} (any shape) as fp32 [count, hidden] on {@code target}, read from the checkpoint. */
    NDArray embedRows(long[] ids, NDManager target) {
        String name = Architecture.EMBEDDINGS + ".weight";
        TensorInfo info = checkpoint.info(name);
        int hidden = arch.config().hiddenSize();
        long vocab = arch.config().vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size " + vocab + ")");
            }
        }
        long rowBytes = (long) hidden * info.dtype().byteSize();
        return checkpoint.withData(name, data -> OffHeapArrays.fp32(target, new Shape(ids.length, hidden), (dst, first, count) -> {
            for (long r = first / hidden; r < (first + count) / hidden; r++) {
                ElementCodec.widenInto(data.asSlice(ids[(int) r] * rowBytes, rowBytes), info.dtype(),
                        dst.asSlice((r * hidden - first) * Float.BYTES, (long) hidden * Float.BYTES), hidden);
            }
        }));
    }

    /** The output head (tied: the embedding matrix), loaded when first asked for. */
    LinearLayer loadHead() {
        CheckpointWeights w = residentWeights();
        if (arch.tiedLmHead()) {
            NDArray embed = w.load(Architecture.EMBEDDINGS + ".weight", arch.config().vocabSize(), arch.config().hiddenSize());
            return new LinearLayer(arch.lmHead(), embed, null);
        }
        return LinearLayer.load(arch.lmHead(), w);
    }

    @Override
    public void close() {
        new java.util.ArrayList<>(held.keySet()).forEach(this::release);
        checkpoint.close();
    }
}
