package io.autoround.model.config;

import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoder hyper-parameters of a Hugging Face {@code config.json}, for the supported model types. Accepts both
 * the transformers 4 layout ({@code rope_theta}, {@code rope_scaling}, {@code torch_dtype}) and the transformers 5
 * layout ({@code rope_parameters}, {@code dtype}).
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int moeIntermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        int vocabSize,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        RopeScaling rope,
        String dtype,
        int numExperts,
        int numExpertsPerTok,
        boolean normTopkProb,
        int decoderSparseStep,
        List<Integer> mlpOnlyLayers,
        Integer slidingWindow,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId) {

    public static final String FILE = "config.json";

    /** Supported model types and their default RoPE base when the config names none. */
    private static final Map<String, Double> DEFAULT_THETA = Map.of(
            "llama", 10000.0, "mistral", 10000.0, "qwen2", 10000.0, "qwen3", 10000.0,
            "qwen3_moe", 10000.0, "mixtral", 1_000_000.0);
    private static final Set<String> MOE_TYPES = Set.of("qwen3_moe", "mixtral");

    /** Model types this loader understands, sorted. */
    public static List<String> supportedModelTypes() {
        return DEFAULT_THETA.keySet().stream().sorted().toList();
    }

    /** Reads {@code config.json} from a model folder. */
    public static ModelConfig load(Path modelDir) {
        Path file = ModelFiles.isDirectory(modelDir) ? ModelRoot.of(modelDir).file(FILE) : modelDir;
        return parse(JsonFields.read(file));
    }

    static ModelConfig parse(JsonFields c) {
        Path file = c.file();
        String type = c.requireString("model_type");
        if (!DEFAULT_THETA.containsKey(type)) {
            throw new ConfigException(file, "unsupported model_type '" + type + "'; supported: "
                    + String.join(", ", supportedModelTypes()));
        }
        boolean moe = MOE_TYPES.contains(type);
        int hidden = positive(c, "hidden_size");
        int heads = positive(c, "num_attention_heads");
        int kvHeads = c.optInt("num_key_value_heads", heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ConfigException(file, "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim = c.optInt("head_dim", 0);
        if (headDim <= 0) {
            if (hidden % heads != 0) {
                throw new ConfigException(file, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads + " and head_dim is missing");
            }
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw new ConfigException(file, "head_dim " + headDim + " must be even for rotary embeddings");
        }
        int experts = 0;
        int perTok = 0;
        int moeIntermediate = 0;
        if (moe) {
            experts = c.has("num_local_experts") ? c.requireInt("num_local_experts") : positive(c, "num_experts");
            perTok = positive(c, "num_experts_per_tok");
            if (experts <= 0 || perTok > experts) {
                throw new ConfigException(file, "num_experts_per_tok " + perTok + " must be in 1.." + experts);
            }
            moeIntermediate = type.equals("mixtral") ? positive(c, "intermediate_size") : positive(c, "moe_intermediate_size");
        }
        int intermediate = type.equals("qwen3_moe") ? c.optInt("intermediate_size", 0) : positive(c, "intermediate_size");
        JsonFields params = c.object("rope_parameters");
        JsonFields scaling = c.object("rope_scaling");
        double theta = c.has("rope_theta") ? c.optDouble("rope_theta", 0)
                : params != null && params.has("rope_theta") ? params.optDouble("rope_theta", 0) : DEFAULT_THETA.get(type);
        RopeScaling rope = RopeScaling.parse(file, scaling != null ? scaling : params, theta);
        boolean slidingOn = switch (type) {
            case "qwen2", "qwen3", "qwen3_moe" -> c.optBool("use_sliding_window", false);
            default -> true;
        };
        return ConfigSanity.check(new ModelConfig(type, hidden, intermediate, moeIntermediate, positive(c, "num_hidden_layers"),
                heads, kvHeads, headDim, c.optDouble("rms_norm_eps", 1e-6), positive(c, "vocab_size"),
                c.optInt("max_position_embeddings", 2048),
                c.optBool("tie_word_embeddings", false),
                // qwen2 always has q/k/v biases; the others follow attention_bias
                type.equals("qwen2") || c.optBool("attention_bias", false),
                c.optBool("mlp_bias", false), rope,
                c.optString("dtype", c.optString("torch_dtype", "float32")),
                experts, perTok, type.equals("mixtral") || c.optBool("norm_topk_prob", false),
                c.optInt("decoder_sparse_step", 1), c.intList("mlp_only_layers"),
                slidingOn ? c.optInteger("sliding_window") : null,
                c.optInteger("bos_token_id"), c.intOrList("eos_token_id"), c.optInteger("pad_token_id")), file.toString(),
                k -> k.equals("dtype") && !c.has("dtype") ? "torch_dtype" : k); // name the key the file uses
    }

    private static int positive(JsonFields c, String key) {
        int v = c.requireInt(key);
        if (v <= 0) {
            throw new ConfigException(c.file(), "key '" + key + "' must be > 0, got " + v);
        }
        return v;
    }

    /** True for mixture-of-experts model types. */
    public boolean isMoe() {
        return numExperts > 0;
    }

    /** True when decoder layer {@code layer} uses a sparse MoE block rather than a dense MLP (qwen3_moe rule). */
    public boolean isSparseLayer(int layer) {
        return isMoe() && !mlpOnlyLayers.contains(layer) && (layer + 1) % Math.max(1, decoderSparseStep) == 0;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }
}
