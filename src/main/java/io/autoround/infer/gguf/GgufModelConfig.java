package io.autoround.infer.gguf;

import io.autoround.export.gguf.GgufArchitecture;
import io.autoround.export.gguf.GgufFormatException;
import io.autoround.export.gguf.GgufReader;
import io.autoround.export.gguf.GgufTensorInfo;
import io.autoround.export.gguf.GgufValue;
import io.autoround.export.gguf.GgufValueType;
import io.autoround.model.config.ConfigSanity;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.config.RopeScaling;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link ModelConfig} from a GGUF file's {@code <arch>.*} metadata, as llama.cpp reads it: block count,
 * widths, heads, key length, RoPE base, RMS-norm epsilon and context length; the vocabulary size from the token list;
 * tied embeddings when {@code output.weight} is absent; biases when the first block has them.
 */
public final class GgufModelConfig {
    private GgufModelConfig() {}

    /** The config of the model in {@code r}; missing or inconsistent keys fail naming the file and the key. */
    public static ModelConfig read(GgufReader r, Object file) {
        String archName = string(r, file, "general.architecture");
        GgufArchitecture arch = GgufArchitecture.ofGgufName(archName, file);
        String p = arch.ggufName() + ".";
        Optional<GgufValue> scaling = r.get(p + "rope.scaling.type");
        if (scaling.isPresent() && !scaling.get().asString().equals("none")) {
            throw new UnsupportedOperationException(file + ": RoPE scaling '" + scaling.get().asString()
                    + "' is not supported by the GGUF loader");
        }
        int hidden = positive(r, file, p + "embedding_length");
        int heads = positive(r, file, p + "attention.head_count");
        int kvHeads = r.get(p + "attention.head_count_kv").isPresent() ? positive(r, file, p + "attention.head_count_kv") : heads;
        if (heads % kvHeads != 0) {
            throw new GgufFormatException(file + ": " + p + "attention.head_count " + heads
                    + " is not a multiple of head_count_kv " + kvHeads);
        }
        int headDim = r.get(p + "attention.key_length").isPresent() ? positive(r, file, p + "attention.key_length")
                : hidden / heads;
        if (headDim % 2 != 0 || headDim * heads == 0) {
            throw new GgufFormatException(file + ": head dimension " + headDim + " must be even and positive");
        }
        double theta = r.get(p + "rope.freq_base").map(GgufModelConfig::decimal).orElse(10000.0);
        double eps = decimal(require(r, file, p + "attention.layer_norm_rms_epsilon"));
        int context = r.get(p + "context_length").isPresent() ? positive(r, file, p + "context_length") : 2048;
        int vocab = vocabSize(r, file, p);
        boolean tied = !has(r, "output.weight");
        boolean attnBias = arch.ggufName().equals("qwen2") || has(r, "blk.0.attn_q.bias");
        boolean mlpBias = has(r, "blk.0.ffn_up.bias");
        Integer eos = tokenId(r, "tokenizer.ggml.eos_token_id");
        return ConfigSanity.check(new ModelConfig(arch.ggufName(), hidden, positive(r, file, p + "feed_forward_length"), 0,
                positive(r, file, p + "block_count"), heads, kvHeads, headDim, eps, vocab, context, tied, attnBias,
                mlpBias, RopeScaling.plain(theta), "float32", 0, 0, false, 1, List.of(), null,
                tokenId(r, "tokenizer.ggml.bos_token_id"), eos == null ? List.of() : List.of(eos),
                tokenId(r, "tokenizer.ggml.padding_token_id")), file.toString(), k -> ggufKey(p, k));
    }

    /** The GGUF metadata key that holds a config.json field, for messages. */
    private static String ggufKey(String p, String field) {
        return switch (field) {
            case "hidden_size" -> p + "embedding_length";
            case "intermediate_size" -> p + "feed_forward_length";
            case "num_hidden_layers" -> p + "block_count";
            case "num_attention_heads" -> p + "attention.head_count";
            case "num_key_value_heads" -> p + "attention.head_count_kv";
            case "head_dim" -> p + "attention.key_length";
            case "rms_norm_eps" -> p + "attention.layer_norm_rms_epsilon";
            case "max_position_embeddings" -> p + "context_length";
            case "rope_theta" -> p + "rope.freq_base";
            case "vocab_size" -> "tokenizer.ggml.tokens (its length)";
            case "bos_token_id" -> "tokenizer.ggml.bos_token_id";
            case "eos_token_id" -> "tokenizer.ggml.eos_token_id";
            default -> field;
        };
    }

    /** The token list's length, else {@code <arch>.vocab_size}, else the embedding's rows; all present must agree. */
    private static int vocabSize(GgufReader r, Object file, String p) {
        long rows = r.tensor("token_embd.weight").dims()[1];
        Optional<GgufValue> tokens = r.get("tokenizer.ggml.tokens");
        long vocab = tokens.isPresent() ? tokens.get().asList().size()
                : r.get(p + "vocab_size").map(GgufValue::asLong).orElse(rows);
        if (vocab != rows) {
            throw new GgufFormatException(file + ": the vocabulary has " + vocab + " tokens but token_embd.weight has "
                    + rows + " rows");
        }
        return Math.toIntExact(vocab);
    }

    private static boolean has(GgufReader r, String tensor) {
        for (GgufTensorInfo t : r.tensors()) {
            if (t.name().equals(tensor)) {
                return true;
            }
        }
        return false;
    }

    private static Integer tokenId(GgufReader r, String key) {
        return r.get(key).map(v -> Math.toIntExact(v.asLong())).orElse(null);
    }

    /** A float32 value as the decimal it was written from (1e-6f becomes 1e-6, not 9.99999997e-7). */
    private static double decimal(GgufValue v) {
        return v.type() == GgufValueType.FLOAT32 ? Double.parseDouble(Float.toString((Float) v.value())) : v.asDouble();
    }

    private static GgufValue require(GgufReader r, Object file, String key) {
        return r.get(key).orElseThrow(() -> new GgufFormatException(file + ": missing metadata key " + key));
    }

    private static String string(GgufReader r, Object file, String key) {
        GgufValue v = require(r, file, key);
        if (v.type() != GgufValueType.STRING) {
            throw new GgufFormatException(file + ": metadata key " + key + " is " + v.type() + ", expected a string");
        }
        return v.asString();
    }

    private static int positive(GgufReader r, Object file, String key) {
        GgufValue v = require(r, file, key);
        if (!(v.value() instanceof Long) || v.asLong() <= 0 || v.asLong() > Integer.MAX_VALUE) {
            throw new GgufFormatException(file + ": metadata key " + key + " must be a positive integer, got " + v.value());
        }
        return (int) v.asLong();
    }
}
