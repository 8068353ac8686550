package io.autoround.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.arch.Architecture;
import io.autoround.model.arch.ArchitectureRegistry;
import io.autoround.model.arch.CheckpointValidator;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A decoder-only causal LM in fp32 on DJL PyTorch: embeddings, blocks, final norm and output head. The pieces are
 * exposed separately ({@link #embed}, {@link #block}, {@link #head}) for block-wise quantization; {@link #logits}
 * runs the whole forward in its own memory scope so repeated calls do not accumulate arrays.
 */
public final class DecoderModel implements AutoCloseable {
    private final Architecture arch;
    private final NDManager manager;
    private final NDArray embeddings; // null when streaming: rows are read from the checkpoint
    private final List<DecoderBlock> blocks; // empty when streaming
    private final RmsNorm finalNorm;
    private LinearLayer lmHead; // streaming: loaded on first use
    private final RotaryEmbedding rope;
    private final StreamedWeights streamed; // null when every weight is resident

    private DecoderModel(Architecture arch, NDManager manager, NDArray embeddings, List<DecoderBlock> blocks,
            RmsNorm finalNorm, LinearLayer lmHead, StreamedWeights streamed) {
        this.arch = arch;
        this.manager = manager;
        this.embeddings = embeddings;
        this.blocks = List.copyOf(blocks);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.rope = new RotaryEmbedding(arch.config());
        this.streamed = streamed;
    }

    /** Loads config.json and the safetensors weights of a model folder onto the CPU. */
    public static DecoderModel load(Path modelDir) {
        return load(modelDir, Device.cpu());
    }

    public static DecoderModel load(Path modelDir, Device device) {
        ModelConfig config = ModelConfig.load(modelDir);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(modelDir)) {
            return load(config, ckpt, device);
        }
    }

    /** Loads every weight the config implies from {@code source} (which may be closed afterwards). */
    public static DecoderModel load(ModelConfig config, TensorSource source, Device device) {
        Architecture arch = ArchitectureRegistry.forConfig(config);
        CheckpointValidator.validate(arch, source, source);
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            CheckpointWeights w = new CheckpointWeights(source, manager);
            NDArray embed = w.load(Architecture.EMBEDDINGS + ".weight", config.vocabSize(), config.hiddenSize());
            List<DecoderBlock> blocks = new ArrayList<>();
            for (int i = 0; i < arch.numBlocks(); i++) {
                blocks.add(DecoderBlock.load(arch, i, w));
            }
            RmsNorm norm = RmsNorm.load(Architecture.FINAL_NORM, config.hiddenSize(), config.rmsNormEps(), w);
            LinearLayer head = arch.tiedLmHead() ? new LinearLayer(arch.lmHead(), embed, null) : LinearLayer.load(arch.lmHead(), w);
            return new DecoderModel(arch, manager, embed, blocks, norm, head, null);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Opens a model folder for block streaming (the reference's {@code low_cpu_mem_usage}): only config, the final
     * norm and the open (memory-mapped) checkpoint are held; {@link #block} reads a block's weights when first asked
     * for and {@link #releaseBlock} frees them; embedding rows are read per lookup and the output head on first use.
     * Computations give the same values as a fully loaded model.
     *
     * @param residency told every time a block's weights are loaded or released (may be null)
     */
    public static DecoderModel openStreaming(Path modelDir, Device device, Consumer<BlockResidency> residency) {
        ModelConfig config = ModelConfig.load(modelDir);
        Architecture arch = ArchitectureRegistry.forConfig(config);
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(modelDir);
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            StreamedWeights streamed = new StreamedWeights(arch, ckpt, manager, residency);
            RmsNorm norm = RmsNorm.load(Architecture.FINAL_NORM, config.hiddenSize(), config.rmsNormEps(),
                    streamed.residentWeights());
            return new DecoderModel(arch, manager, null, List.of(), norm, null, streamed);
        } catch (RuntimeException e) {
            manager.close();
            ckpt.close();
            throw e;
        }
    }

    /** True when blocks are read from the checkpoint on demand ({@link #openStreaming}). */
    public boolean streamsBlocks() {
        return streamed != null;
    }

    public ModelConfig config() {
        return arch.config();
    }

    public Architecture architecture() {
        return arch;
    }

    /** The manager that owns the weights. */
    public NDManager manager() {
        return manager;
    }

    public int numBlocks() {
        return arch.numBlocks();
    }

    /** Block {@code i}; a streaming model loads its weights now if they are not held (until {@link #releaseBlock}). */
    public DecoderBlock block(int i) {
        return streamed == null ? blocks.get(i) : streamed.acquire(i);
    }

    /**
     * Frees block {@code i}'s weights and every array made on their manager (a no-op unless streaming); a later
     * {@link #block} reads them again from the checkpoint.
     */
    public void releaseBlock(int i) {
        if (streamed != null) {
            streamed.release(i);
        }
    }

    public RmsNorm finalNorm() {
        return finalNorm;
    }

    /** The output head; its weight is the embedding matrix when tied. */
    public LinearLayer lmHead() {
        if (lmHead == null) {
            lmHead = streamed.loadHead();
        }
        return lmHead;
    }

    public RotaryEmbedding rope() {
        return rope;
    }

    /** Token ids (any integer type, any shape) -> embeddings [..., hidden], on the ids' manager. */
    public NDArray embed(NDArray inputIds) {
        NDArray rows;
        if (embeddings == null) {
            rows = streamed.embedRows(BlockContext.toLongs(inputIds), inputIds.getManager());
        } else {
            NDArray flat = inputIds.reshape(-1);
            rows = embeddings.get(inputIds.getManager(), new NDIndex("{}", flat));
        }
        return rows.reshape(inputIds.getShape().addAll(new Shape(config().hiddenSize())));
    }

    /** Final norm and output head: hidden [..., hidden] -> logits [..., vocab]. */
    public NDArray head(NDArray hidden) {
        return lmHead().forward(finalNorm.forward(hidden));
    }

    /** The block context for a batch: causal + padding mask and RoPE tables for positions 0..seq-1. */
    public BlockContext context(NDManager manager, int batch, int seq, NDArray attentionMask) {
        return context(manager, batch, seq, attentionMask, null);
    }

    /** The block context with explicit position ids [batch, seq] (null for 0..seq-1). */
    public BlockContext context(NDManager manager, int batch, int seq, NDArray attentionMask, NDArray positionIds) {
        return BlockContext.create(manager, rope, batch, seq, attentionMask, positionIds, config().slidingWindow());
    }

    /**
     * Full forward: ids [batch, seq] (or [seq]) and an optional 1/0 padding mask of the same shape -> logits
     * [batch, seq, vocab] (or [seq, vocab]) on the ids' manager. Intermediates are freed block by block.
     */
    public NDArray logits(NDArray inputIds, NDArray attentionMask) {
        return logits(inputIds, attentionMask, null);
    }

    /** An empty KV cache for incremental decoding with {@link #logits(NDArray, NDArray, KvCache)}. */
    public KvCache newCache() {
        return new KvCache(numBlocks(), manager.getDevice());
    }

    /**
     * Forward of new tokens after the positions held in {@code cache} (null: no cache), extending the cache. The mask,
     * when given, covers all key positions [batch, past + seq].
     */
    public NDArray logits(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        boolean single = inputIds.getShape().dimension() == 1;
        int batch = single ? 1 : Math.toIntExact(inputIds.getShape().get(0));
        int seq = Math.toIntExact(inputIds.getShape().get(single ? 0 : 1));
        int past = cache == null ? 0 : cache.length();
        NDManager caller = inputIds.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray ids = scope.create(BlockContext.toLongs(inputIds), new Shape(batch, seq));
            BlockContext ctx = BlockContext.create(scope, rope, batch, seq, past, attentionMask, null, config().slidingWindow());
            NDArray x = embed(ids);
            for (int i = 0; i < numBlocks(); i++) {
                boolean held = streamed == null || streamed.isResident(i);
                try (NDManager step = scope.newSubManager()) {
                    x.attach(step);
                    NDArray y = block(i).forward(x, ctx, cache);
                    y.attach(scope);
                    x = y;
                } finally {
                    if (!held) {
                        releaseBlock(i);
                    }
                }
            }
            NDArray out = head(x);
            if (single) {
                out = out.reshape(seq, config().vocabSize());
            }
            out.attach(caller);
            return out;
        }
    }

    @Override
    public void close() {
        if (streamed != null) {
            streamed.close();
        }
        manager.close();
    }
}
