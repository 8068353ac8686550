package io.autoround.model.config;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Sanity limits for a model's hyper-parameters, checked wherever a {@link ModelConfig} is built (config.json or GGUF
 * metadata) and before any weight is read: every size positive and within generous bounds (several times what the
 * largest released models use), the epsilon and RoPE base finite and positive, and the fields consistent with each
 * other. An absurd value would otherwise allocate without bound or give NaN results later.
 */
public final class ConfigSanity {
    public static final int MAX_HIDDEN_SIZE = 1 << 17;
    public static final int MAX_INTERMEDIATE_SIZE = 1 << 20;
    public static final int MAX_LAYERS = 1024;
    public static final int MAX_HEADS = 4096;
    public static final int MAX_HEAD_DIM = 4096;
    public static final int MAX_VOCAB_SIZE = 1 << 22;
    public static final int MAX_POSITIONS = 1 << 24;
    public static final int MAX_EXPERTS = 4096;
    /** torch dtype names config.json may declare. */
    public static final Set<String> DTYPES = Set.of("float32", "float16", "bfloat16", "float64", "float", "half", "double", "auto");

    private final ModelConfig c;
    private final String source;
    private final UnaryOperator<String> key;

    private ConfigSanity(ModelConfig c, String source, UnaryOperator<String> key) {
        this.c = c;
        this.source = source;
        this.key = key;
    }

    /** Checks a config read from config.json ({@code source} names the file). */
    public static ModelConfig check(ModelConfig c, String source) {
        return check(c, source, UnaryOperator.identity());
    }

    /**
     * Checks a config; {@code key} maps a config.json field name to the name the source uses (e.g. a GGUF
     * metadata key) so the message names what the user can find in the file.
     */
    public static ModelConfig check(ModelConfig c, String source, UnaryOperator<String> key) {
        new ConfigSanity(c, source, key).run();
        return c;
    }

    private void run() {
        range("hidden_size", c.hiddenSize(), 1, MAX_HIDDEN_SIZE);
        range("num_hidden_layers", c.numHiddenLayers(), 1, MAX_LAYERS);
        range("num_attention_heads", c.numAttentionHeads(), 1, MAX_HEADS);
        range("num_key_value_heads", c.numKeyValueHeads(), 1, c.numAttentionHeads());
        if (c.numAttentionHeads() % c.numKeyValueHeads() != 0) {
            fail("num_key_value_heads", c.numKeyValueHeads(), "a divisor of num_attention_heads " + c.numAttentionHeads());
        }
        range("head_dim", c.headDim(), 2, MAX_HEAD_DIM);
        if (c.headDim() % 2 != 0) {
            fail("head_dim", c.headDim(), "an even number (rotary embeddings rotate pairs)");
        }
        range("vocab_size", c.vocabSize(), 1, MAX_VOCAB_SIZE);
        range("max_position_embeddings", c.maxPositionEmbeddings(), 1, MAX_POSITIONS);
        if (c.isMoe()) {
            range("num_experts", c.numExperts(), 1, MAX_EXPERTS);
            range("num_experts_per_tok", c.numExpertsPerTok(), 1, c.numExperts());
            range("moe_intermediate_size", c.moeIntermediateSize(), 1, MAX_INTERMEDIATE_SIZE);
            range("decoder_sparse_step", c.decoderSparseStep(), 1, c.numHiddenLayers());
            for (int layer : c.mlpOnlyLayers()) {
                range("mlp_only_layers", layer, 0, c.numHiddenLayers() - 1);
            }
        }
        if (!c.isMoe() || c.intermediateSize() != 0) {
            range("intermediate_size", c.intermediateSize(), 1, MAX_INTERMEDIATE_SIZE);
        }
        double eps = c.rmsNormEps();
        if (!(eps > 0 && eps < 1)) {
            fail("rms_norm_eps", eps, "a finite number in (0, 1), e.g. 1e-5 or 1e-6");
        }
        positiveFinite("rope_theta", c.rope().theta());
        if (!RopeScaling.DEFAULT.equals(c.rope().type())) {
            positiveFinite("rope_scaling.factor", c.rope().factor());
        }
        if (RopeScaling.LLAMA3.equals(c.rope().type())) {
            range("rope_scaling.original_max_position_embeddings", c.rope().originalMaxPositionEmbeddings(), 1, MAX_POSITIONS);
            if (!(c.rope().highFreqFactor() > c.rope().lowFreqFactor())) {
                fail("rope_scaling.high_freq_factor", c.rope().highFreqFactor(), "a number above low_freq_factor "
                        + c.rope().lowFreqFactor());
            }
        }
        if (c.slidingWindow() != null) {
            range("sliding_window", c.slidingWindow(), 1, Integer.MAX_VALUE);
        }
        tokenId("bos_token_id", c.bosTokenId());
        for (Integer eos : c.eosTokenIds()) {
            tokenId("eos_token_id", eos);
        }
        if (c.dtype() != null && !DTYPES.contains(c.dtype())) {
            fail("dtype", "'" + c.dtype() + "'", "one of " + List.copyOf(new java.util.TreeSet<>(DTYPES)));
        }
    }

    private void tokenId(String field, Integer id) {
        if (id != null) {
            range(field, id, 0, c.vocabSize() - 1);
        }
    }

    private void range(String field, long v, long min, long max) {
        if (v < min || v > max) {
            fail(field, v, "an integer in " + min + ".." + max);
        }
    }

    private void positiveFinite(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            fail(field, v, "a finite number > 0");
        }
    }

    private void fail(String field, Object found, String expected) {
        throw new ConfigException(source + ": field '" + key.apply(field) + "' is " + found + "; expected " + expected);
    }
}
