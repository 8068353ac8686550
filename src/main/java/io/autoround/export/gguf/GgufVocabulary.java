package io.autoround.export.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.tokenizer.SentencePieceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.ggml.*} metadata of a byte-level BPE tokenizer ({@code tokenizer.json}, GPT-2 / Qwen / Llama-3
 * style), as llama.cpp's {@code _set_vocab_gpt2}: {@code model = "gpt2"}, the pre-tokenizer name, one token per id
 * up to the config's vocab size (missing ids become {@code [PAD<id>]} of type UNUSED), token types (NORMAL, CONTROL
 * for special added tokens, USER_DEFINED for other added tokens), merges as {@code "a b"}, and the special token
 * ids and flags of {@code tokenizer_config.json}. Llama-family models with a SentencePiece {@code tokenizer.model}
 * get llama.cpp's {@code "llama"} vocabulary instead. Other tokenizers fail naming the model folder.
 */
public final class GgufVocabulary {
    /** llama.cpp token types. */
    public static final int NORMAL = 1;
    public static final int UNUSED = 5;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;

    /** llama.cpp's pre-tokenizer name for GPT-2's regex. */
    public static final String GPT2_PRE = "gpt-2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufVocabulary() {}

    /**
     * Adds the vocabulary of {@code modelDir} to {@code w}.
     *
     * @param preTokenizer value of {@code tokenizer.ggml.pre} (llama.cpp identifies it by hashing the tokenizer's
     *     output; this port takes the architecture's, e.g. {@code qwen2})
     */
    public static void write(GgufWriter w, Path modelDir, ModelConfig config, String preTokenizer) {
        if (preTokenizer.equals("default") && Files.isRegularFile(modelDir.resolve("tokenizer.model"))) {
            writeSentencePiece(w, modelDir, config);
            return;
        }
        JsonNode tok = read(modelDir.resolve("tokenizer.json"));
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText()) || model.path("byte_fallback").asBoolean(false)) {
            throw new UnsupportedOperationException("GGUF export: the tokenizer in " + modelDir + " is not a byte-level"
                    + " BPE (model type " + model.path("type").asText("?") + (model.path("byte_fallback").asBoolean(false)
                    ? ", byte_fallback" : "") + "); a SentencePiece vocabulary needs tokenizer.model");
        }
        int vocabSize = Math.max(config.vocabSize(), maxId(model.path("vocab"), tok.path("added_tokens")) + 1);
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        Map<String, Integer> ids = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
            tokens[id] = e.getKey();
            types[id] = NORMAL;
            ids.put(e.getKey(), id);
        }
        for (JsonNode a : tok.path("added_tokens")) {
            int id = a.path("id").asInt();
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean(false) ? CONTROL : USER_DEFINED;
            ids.put(tokens[id], id);
        }
        List<String> tokenList = new ArrayList<>(vocabSize);
        List<Long> typeList = new ArrayList<>(vocabSize);
        for (int i = 0; i < vocabSize; i++) {
            tokenList.add(tokens[i] == null ? "[PAD" + i + "]" : tokens[i]);
            typeList.add((long) (tokens[i] == null ? UNUSED : types[i]));
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        w.put("tokenizer.ggml.pre", GgufValue.string(isGpt2PreTokenizer(tok.path("pre_tokenizer")) ? GPT2_PRE : preTokenizer));
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokenList));
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, typeList));
        w.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, merges));
        writeSpecialTokens(w, modelDir, config, ids);
    }

    /**
     * llama.cpp's {@code _set_vocab_sentencepiece} (llama-family models with a {@code tokenizer.model}):
     * {@code model = "llama"}, pieces, scores and piece types; ids beyond the model are {@code [PAD<id>]} UNUSED
     * with score -10000.
     */
    private static void writeSentencePiece(GgufWriter w, Path modelDir, ModelConfig config) {
        List<SentencePieceModel.Piece> pieces = SentencePieceModel.read(modelDir.resolve("tokenizer.model")).pieces();
        int vocabSize = Math.max(config.vocabSize(), pieces.size());
        List<String> tokens = new ArrayList<>(vocabSize);
        List<Float> scores = new ArrayList<>(vocabSize);
        List<Long> types = new ArrayList<>(vocabSize);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabSize; i++) {
            SentencePieceModel.Piece p = i < pieces.size() ? pieces.get(i) : null;
            tokens.add(p == null ? "[PAD" + i + "]" : p.text());
            scores.add(p == null ? -10000f : p.score());
            types.add((long) (p == null ? UNUSED : p.type()));
            ids.putIfAbsent(tokens.get(i), i);
        }
        w.put("tokenizer.ggml.model", GgufValue.string("llama"));
        w.put("tokenizer.ggml.pre", GgufValue.string("default"));
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        w.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scores));
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        writeSpecialTokens(w, modelDir, config, ids);
    }

    private static void writeSpecialTokens(GgufWriter w, Path modelDir, ModelConfig config, Map<String, Integer> ids) {
        Path cfgFile = modelDir.resolve("tokenizer_config.json");
        JsonNode cfg = Files.isRegularFile(cfgFile) ? read(cfgFile) : JSON.createObjectNode();
        Integer bos = tokenId(cfg, "bos_token", ids, config.bosTokenId());
        Integer eos = tokenId(cfg, "eos_token", ids,
                config.eosTokenIds() == null || config.eosTokenIds().isEmpty() ? null : config.eosTokenIds().get(0));
        Integer unk = tokenId(cfg, "unk_token", ids, null);
        Integer pad = tokenId(cfg, "pad_token", ids, config.padTokenId());
        putId(w, "tokenizer.ggml.bos_token_id", bos);
        putId(w, "tokenizer.ggml.eos_token_id", eos);
        putId(w, "tokenizer.ggml.unknown_token_id", unk);
        putId(w, "tokenizer.ggml.padding_token_id", pad);
        if (cfg.has("add_bos_token") && cfg.get("add_bos_token").isBoolean()) {
            w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(cfg.get("add_bos_token").asBoolean()));
        }
        if (cfg.has("add_eos_token") && cfg.get("add_eos_token").isBoolean()) {
            w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(cfg.get("add_eos_token").asBoolean()));
        }
        if (cfg.path("chat_template").isTextual()) {
            w.put("tokenizer.chat_template", GgufValue.string(cfg.get("chat_template").asText()));
        }
    }

    /** The id of a special token named in tokenizer_config.json (string or {"content": ...}), else the fallback. */
    private static Integer tokenId(JsonNode cfg, String key, Map<String, Integer> ids, Integer fallback) {
        JsonNode v = cfg.path(key);
        String content = v.isTextual() ? v.asText() : v.path("content").isTextual() ? v.path("content").asText() : null;
        if (content != null && ids.containsKey(content)) {
            return ids.get(content);
        }
        return fallback;
    }

    /**
     * True for GPT-2's own pre-tokenizer (a plain ByteLevel splitting with its built-in regex): llama.cpp then
     * recognizes the vocabulary as {@code gpt-2}, whatever the architecture, and a loader must split with that regex.
     */
    private static boolean isGpt2PreTokenizer(JsonNode pre) {
        return "ByteLevel".equals(pre.path("type").asText()) && pre.path("use_regex").asBoolean(true);
    }

    private static void putId(GgufWriter w, String key, Integer id) {
        if (id != null) {
            w.put(key, GgufValue.uint32(id));
        }
    }

    private static int maxId(JsonNode vocab, JsonNode added) {
        int max = -1;
        for (JsonNode id : vocab) {
            max = Math.max(max, id.asInt());
        }
        for (JsonNode a : added) {
            max = Math.max(max, a.path("id").asInt());
        }
        return max;
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UnsupportedOperationException("GGUF export needs " + file + " (the vocabulary is embedded in the file)");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
