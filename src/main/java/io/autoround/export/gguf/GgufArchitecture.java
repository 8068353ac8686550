package io.autoround.export.gguf;

import io.autoround.model.config.ModelConfig;
import io.autoround.model.config.RopeScaling;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How llama.cpp's converter maps a supported Hugging Face decoder to GGUF: the GGUF architecture name, the tensor
 * name map (gguf-py {@code TensorNameMap}) and whether the Q/K rows are permuted back to llama's interleaved RoPE
 * ({@code LlamaModel.modify_tensors}; Mistral is converted as {@code llama}, Qwen2/Qwen3 keep NeoX RoPE).
 *
 * @param ggufName value of {@code general.architecture}
 * @param permuteQk whether q_proj/k_proj rows (and biases) are permuted
 */
public record GgufArchitecture(String ggufName, boolean permuteQk) {

    private static final Map<String, GgufArchitecture> BY_MODEL_TYPE = Map.of(
            "llama", new GgufArchitecture("llama", true),
            "mistral", new GgufArchitecture("llama", true),
            "qwen2", new GgufArchitecture("qwen2", false),
            "qwen3", new GgufArchitecture("qwen3", false));

    private static final Pattern BLOCK = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Pattern GGUF_BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> BLOCK_NAMES = Map.ofEntries(
            Map.entry("input_layernorm", "attn_norm"),
            Map.entry("self_attn.q_proj", "attn_q"),
            Map.entry("self_attn.k_proj", "attn_k"),
            Map.entry("self_attn.v_proj", "attn_v"),
            Map.entry("self_attn.o_proj", "attn_output"),
            Map.entry("self_attn.q_norm", "attn_q_norm"),
            Map.entry("self_attn.k_norm", "attn_k_norm"),
            Map.entry("post_attention_layernorm", "ffn_norm"),
            Map.entry("mlp.gate_proj", "ffn_gate"),
            Map.entry("mlp.up_proj", "ffn_up"),
            Map.entry("mlp.down_proj", "ffn_down"));

    /**
     * The conversion for {@code config}; MoE models (qwen3_moe, mixtral) and other types fail naming the model
     * type, as do RoPE scalings this exporter does not write.
     */
    public static GgufArchitecture of(ModelConfig config) {
        String type = config.modelType().toLowerCase(Locale.ROOT);
        GgufArchitecture a = BY_MODEL_TYPE.get(type);
        if (a == null) {
            throw new UnsupportedOperationException("GGUF export of model type '" + config.modelType()
                    + "' is not implemented yet (supported: " + String.join(", ", supportedModelTypes()) + ")");
        }
        RopeScaling rope = config.rope();
        if (rope != null && !RopeScaling.DEFAULT.equals(rope.type())) {
            throw new UnsupportedOperationException("GGUF export with RoPE scaling '" + rope.type()
                    + "' is not implemented yet (model type " + config.modelType() + ")");
        }
        return a;
    }

    /**
     * The architecture of a GGUF file's {@code general.architecture} (the Hugging Face model type it loads as is
     * the GGUF name: llama, qwen2, qwen3); others fail naming the file.
     */
    public static GgufArchitecture ofGgufName(String ggufName, Object file) {
        GgufArchitecture a = BY_MODEL_TYPE.get(ggufName);
        if (a == null || !a.ggufName().equals(ggufName)) {
            throw new UnsupportedOperationException(file + ": GGUF architecture '" + ggufName + "' is not supported"
                    + " (supported: llama, qwen2, qwen3)");
        }
        return a;
    }

    /** Model types with a GGUF conversion, sorted. */
    public static List<String> supportedModelTypes() {
        return BY_MODEL_TYPE.keySet().stream().sorted().toList();
    }

    /**
     * The GGUF name of a Hugging Face tensor, or null for tensors the converter drops (rotary inverse
     * frequencies); unknown tensors fail naming the tensor.
     */
    public String tensorName(String hfName) {
        switch (hfName) {
            case "model.embed_tokens.weight":
                return "token_embd.weight";
            case "model.norm.weight":
                return "output_norm.weight";
            case "lm_head.weight":
                return "output.weight";
            default:
                break;
        }
        if (hfName.endsWith("rotary_emb.inv_freq")) {
            return null;
        }
        Matcher m = BLOCK.matcher(hfName);
        String mapped = m.matches() ? BLOCK_NAMES.get(m.group(2)) : null;
        if (mapped == null) {
            throw new UnsupportedOperationException("GGUF export (" + ggufName + "): no GGUF name for tensor '"
                    + hfName + "'");
        }
        return "blk." + m.group(1) + "." + mapped + "." + m.group(3);
    }

    /**
     * The Hugging Face name of a GGUF tensor (the inverse of {@link #tensorName}); unknown names fail naming the
     * tensor.
     */
    public String hfTensorName(String ggufName) {
        switch (ggufName) {
            case "token_embd.weight":
                return "model.embed_tokens.weight";
            case "output_norm.weight":
                return "model.norm.weight";
            case "output.weight":
                return "lm_head.weight";
            default:
                break;
        }
        Matcher m = GGUF_BLOCK.matcher(ggufName);
        if (m.matches()) {
            for (Map.Entry<String, String> e : BLOCK_NAMES.entrySet()) {
                if (e.getValue().equals(m.group(2))) {
                    return "model.layers." + m.group(1) + "." + e.getKey() + "." + m.group(3);
                }
            }
        }
        throw new UnsupportedOperationException("GGUF (" + this.ggufName + "): no Hugging Face name for tensor '"
                + ggufName + "'");
    }

    /**
     * Number of heads whose rows are permuted for this tensor (q: attention heads, k: KV heads), or 0 when the
     * tensor is not permuted.
     */
    public int permuteHeads(String hfName, ModelConfig config) {
        if (!permuteQk) {
            return 0;
        }
        if (hfName.matches("model\\.layers\\.\\d+\\.self_attn\\.q_proj\\.(weight|bias)")) {
            return config.numAttentionHeads();
        }
        if (hfName.matches("model\\.layers\\.\\d+\\.self_attn\\.k_proj\\.(weight|bias)")) {
            return config.numKeyValueHeads();
        }
        return 0;
    }
}
