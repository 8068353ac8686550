package io.autoround.model.arch;

import io.autoround.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Module names and shapes of one concrete model: what the forward pass loads and what the quantizer enumerates.
 * Module names follow transformers; a weight tensor is the module name + {@code .weight}.
 */
public final class Architecture {
    public static final String BLOCK_PREFIX = "model.layers";
    public static final String EMBEDDINGS = "model.embed_tokens";
    public static final String FINAL_NORM = "model.norm";
    public static final String LM_HEAD = "lm_head";

    private final ArchitectureSpec spec;
    private final ModelConfig config;

    public Architecture(ArchitectureSpec spec, ModelConfig config) {
        this.spec = spec;
        this.config = config;
    }

    public ArchitectureSpec spec() {
        return spec;
    }

    public ModelConfig config() {
        return config;
    }

    public int numBlocks() {
        return config.numHiddenLayers();
    }

    /** e.g. {@code model.layers.3}. */
    public String blockName(int block) {
        checkBlock(block);
        return BLOCK_PREFIX + "." + block;
    }

    /** Whether the output head shares the embedding matrix. */
    public boolean tiedLmHead() {
        return config.tieWordEmbeddings();
    }

    /** The output head as a Linear (its weight is the embedding matrix when tied). */
    public LinearSpec lmHead() {
        return new LinearSpec(LM_HEAD, LM_HEAD, config.vocabSize(), config.hiddenSize(), false, false);
    }

    /** Whether the block has a sparse MoE block rather than a dense MLP. */
    public boolean isSparseBlock(int block) {
        checkBlock(block);
        return spec.sparse() && config.isSparseLayer(block);
    }

    public LinearSpec q(int b) {
        return linear(b, "self_attn.q_proj", config.numAttentionHeads() * config.headDim(), config.hiddenSize(), config.attentionBias(), true);
    }

    public LinearSpec k(int b) {
        return linear(b, "self_attn.k_proj", config.numKeyValueHeads() * config.headDim(), config.hiddenSize(), config.attentionBias(), true);
    }

    public LinearSpec v(int b) {
        return linear(b, "self_attn.v_proj", config.numKeyValueHeads() * config.headDim(), config.hiddenSize(), config.attentionBias(), true);
    }

    public LinearSpec o(int b) {
        boolean bias = config.attentionBias() && spec.oProjBiasFollowsAttentionBias();
        return linear(b, "self_attn.o_proj", config.hiddenSize(), config.numAttentionHeads() * config.headDim(), bias, true);
    }

    /** Dense SwiGLU MLP projections: gate, up, down. */
    public List<LinearSpec> denseMlp(int b) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        if (i <= 0) {
            throw new IllegalStateException(blockName(b) + " has a dense MLP but config.json has no intermediate_size");
        }
        boolean bias = config.mlpBias();
        return List.of(linear(b, "mlp.gate_proj", i, h, bias, true), linear(b, "mlp.up_proj", i, h, bias, true),
                linear(b, "mlp.down_proj", h, i, bias, true));
    }

    /** The MoE router (not quantized by default, as in the reference). */
    public LinearSpec router(int b) {
        return linear(b, spec.mlpPrefix() + "." + spec.routerName(), config.numExperts(), config.hiddenSize(), false, false);
    }

    /** Projections of one expert: gate, up, down. */
    public List<LinearSpec> expert(int b, int e) {
        int h = config.hiddenSize();
        int i = config.moeIntermediateSize();
        String p = spec.mlpPrefix() + ".experts." + e + ".";
        return List.of(linear(b, p + spec.expertGate(), i, h, false, true), linear(b, p + spec.expertUp(), i, h, false, true),
                linear(b, p + spec.expertDown(), h, i, false, true));
    }

    /** Every Linear of a block in execution order (attention, then router and experts or the dense MLP). */
    public List<LinearSpec> linearsOfBlock(int block) {
        List<LinearSpec> out = new ArrayList<>(List.of(q(block), k(block), v(block), o(block)));
        if (isSparseBlock(block)) {
            out.add(router(block));
            for (int e = 0; e < config.numExperts(); e++) {
                out.addAll(expert(block, e));
            }
        } else {
            out.addAll(denseMlp(block));
        }
        return List.copyOf(out);
    }

    /** The Linears of a block that the reference quantizes by default (routers excluded). */
    public List<LinearSpec> quantizableLinearsOfBlock(int block) {
        return linearsOfBlock(block).stream().filter(LinearSpec::quantizedByDefault).toList();
    }

    /** RMSNorm module names of a block, in execution order. */
    public List<String> normsOfBlock(int block) {
        String p = blockName(block) + ".";
        List<String> out = new ArrayList<>();
        out.add(p + "input_layernorm");
        if (spec.qkNorm()) {
            out.add(p + "self_attn.q_norm");
            out.add(p + "self_attn.k_norm");
        }
        out.add(p + "post_attention_layernorm");
        return List.copyOf(out);
    }

    private LinearSpec linear(int block, String local, int out, int in, boolean bias, boolean quantized) {
        return new LinearSpec(blockName(block) + "." + local, local, out, in, bias, quantized);
    }

    private void checkBlock(int block) {
        if (block < 0 || block >= numBlocks()) {
            throw new IndexOutOfBoundsException("block " + block + " out of range 0.." + (numBlocks() - 1));
        }
    }
}
