package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import io.autoround.model.arch.Architecture;
import io.autoround.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pre-norm decoder layer: {@code x + attn(norm1(x))}, then {@code + ffn(norm2(.))}. The forward allocates on the
 * input's manager and frees nothing, so a caller can run autograd through it and scope the memory itself.
 */
public final class DecoderBlock {
    private final int index;
    private final String name;
    private final RmsNorm inputNorm;
    private final Attention attention;
    private final RmsNorm postAttentionNorm;
    private final FeedForward feedForward;
    private final Map<String, LinearLayer> linears = new LinkedHashMap<>();

    DecoderBlock(int index, String name, RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm,
            FeedForward feedForward) {
        this.index = index;
        this.name = name;
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.feedForward = feedForward;
        List<LinearLayer> all = new ArrayList<>(List.of(attention.q(), attention.k(), attention.v(), attention.o()));
        all.addAll(feedForward.linears());
        all.forEach(l -> linears.put(l.name(), l));
    }

    static DecoderBlock load(Architecture arch, int block, CheckpointWeights w) {
        ModelConfig c = arch.config();
        String p = arch.blockName(block) + ".";
        FeedForward ffn = arch.isSparseBlock(block) ? SparseMoe.load(arch, block, w) : GatedMlp.load(arch.denseMlp(block), w);
        return new DecoderBlock(block, arch.blockName(block),
                RmsNorm.load(p + "input_layernorm", c.hiddenSize(), c.rmsNormEps(), w), Attention.load(arch, block, w),
                RmsNorm.load(p + "post_attention_layernorm", c.hiddenSize(), c.rmsNormEps(), w), ffn);
    }

    /** hidden [batch, seq, hidden] -> [batch, seq, hidden]. */
    public NDArray forward(NDArray hidden, BlockContext ctx) {
        return forward(hidden, ctx, null);
    }

    /** Incremental forward: attends to the cached positions too and appends this step's keys/values. */
    public NDArray forward(NDArray hidden, BlockContext ctx, KvCache cache) {
        NDArray h = hidden.add(attention.forward(inputNorm.forward(hidden), ctx, cache, index));
        return h.add(feedForward.forward(postAttentionNorm.forward(h)));
    }

    public int index() {
        return index;
    }

    /** Frees every weight copy made for a half-precision compute dtype (after the block's tuning). */
    public void releaseCastCopies() {
        linears.values().forEach(LinearLayer::releaseCastCopies); // a MoE router is among them
        inputNorm.releaseCastCopies();
        postAttentionNorm.releaseCastCopies();
        attention.releaseCastCopies();
    }

    /** e.g. {@code model.layers.0}. */
    public String name() {
        return name;
    }

    public Attention attention() {
        return attention;
    }

    public FeedForward feedForward() {
        return feedForward;
    }

    public RmsNorm inputNorm() {
        return inputNorm;
    }

    public RmsNorm postAttentionNorm() {
        return postAttentionNorm;
    }

    /** Every Linear of the block in execution order, keyed by full name (same order as Architecture.linearsOfBlock). */
    public Map<String, LinearLayer> linears() {
        return Collections.unmodifiableMap(linears);
    }

    /** The Linear with this full name (or name inside the block, e.g. {@code self_attn.q_proj}). */
    public LinearLayer linear(String nameOrLocal) {
        LinearLayer l = linears.get(nameOrLocal);
        if (l == null) {
            l = linears.get(name + "." + nameOrLocal);
        }
        if (l == null) {
            throw new IllegalArgumentException(name + " has no Linear '" + nameOrLocal + "'; it has " + linears.keySet());
        }
        return l;
    }

    /** Removes every weight override in the block. */
    public void clearOverrides() {
        linears.values().forEach(LinearLayer::clearOverride);
    }
}
