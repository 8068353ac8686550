package io.autoround.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A model folder's fast tokenizer ({@code tokenizer.json}, run by the HF tokenizers library through DJL) with the
 * special-token rule of its {@code tokenizer_config.json}: text is encoded without the tokenizer's own post-processor
 * and a BOS is prepended when {@code add_bos_token} is true (stories260K adds id 1; tiny-qwen3-12m adds none). When
 * tokenizer_config.json does not say, the tokenizer.json post-processor decides, as in transformers.
 */
public final class TextTokenizer implements AutoCloseable {
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Boolean addBos;
    private final Integer bosId;
    private final Integer eosId;
    private final Integer padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Boolean addBos, Integer bosId, Integer eosId, Integer padId) {
        this.tokenizer = tokenizer;
        this.addBos = addBos;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Loads tokenizer.json and tokenizer_config.json (optional) from a model folder; a folder with only a
     * SentencePiece tokenizer.model gets it converted, as transformers does ({@link SentencePieceConverter}).
     */
    public static TextTokenizer load(Path modelDir) {
        ModelRoot root = ModelRoot.of(modelDir);
        Path file = root.file(TOKENIZER_FILE);
        JsonNode config = readJson(root.file(CONFIG_FILE));
        JsonNode json;
        if (ModelFiles.isRegularFile(file)) {
            json = readJson(file);
        } else if (ModelFiles.isRegularFile(root.file(SentencePieceConverter.MODEL_FILE))) {
            file = root.file(SentencePieceConverter.MODEL_FILE);
            json = SentencePieceConverter.convert(file, config);
        } else {
            throw new TokenizerException(modelDir, "no " + TOKENIZER_FILE + " (or SentencePiece "
                    + SentencePieceConverter.MODEL_FILE + ") in the model folder (a tokenizer is required)");
        }
        Map<String, Integer> specials = addedTokens(json);
        Boolean addBos = config != null && config.hasNonNull("add_bos_token") ? config.get("add_bos_token").asBoolean() : null;
        Integer bos = tokenId(config, "bos_token", specials, modelDir);
        if (Boolean.TRUE.equals(addBos) && bos == null) {
            throw new TokenizerException(modelDir, CONFIG_FILE + " sets add_bos_token but names no known bos_token");
        }
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        try {
            HuggingFaceTokenizer tok = file.endsWith(TOKENIZER_FILE) ? HuggingFaceTokenizer.newInstance(file, options)
                    : HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(MAPPER.writeValueAsBytes(json)),
                            options);
            return new TextTokenizer(tok, addBos, bos, tokenId(config, "eos_token", specials, modelDir),
                    tokenId(config, "pad_token", specials, modelDir));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(file, "cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> addedTokens(JsonNode root) {
        Map<String, Integer> out = new HashMap<>();
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode t : added) {
                out.put(t.path("content").asText(), t.path("id").asInt());
            }
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> out.putIfAbsent(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) { // Unigram: [piece, score] in id order
            for (int id = 0; id < vocab.size(); id++) {
                out.putIfAbsent(vocab.get(id).path(0).asText(), id);
            }
        }
        return out;
    }

    /** A special token named as a string or as {"content": ...}; null when absent. */
    private static Integer tokenId(JsonNode config, String key, Map<String, Integer> vocab, Path dir) {
        if (config == null || !config.hasNonNull(key)) {
            return null;
        }
        JsonNode n = config.get(key);
        String content = n.isObject() ? n.path("content").asText() : n.asText();
        Integer id = vocab.get(content);
        if (id == null) {
            throw new TokenizerException(dir, CONFIG_FILE + " names " + key + " '" + content + "' which is not in the vocabulary");
        }
        return id;
    }

    private static JsonNode readJson(Path file) {
        if (!ModelFiles.isRegularFile(file)) {
            return null;
        }
        byte[] bytes = ModelFiles.readAllBytes(file);
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new TokenizerException(file, "not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Token ids of the text with the model's special-token rule (BOS when the tokenizer adds one). */
    public long[] encode(String text) {
        if (addBos == null) {
            return tokenizer.encode(text, true, false).getIds();
        }
        long[] ids = encodePlain(text);
        if (!addBos) {
            return ids;
        }
        long[] out = new long[ids.length + 1];
        out[0] = bosId;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** Token ids of the text with no special tokens added. */
    public long[] encodePlain(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** Text of the ids, special tokens skipped. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** Whether {@link #encode} starts the text with BOS (when the config says so explicitly). */
    public boolean addsBos() {
        return Boolean.TRUE.equals(addBos);
    }

    public Integer bosTokenId() {
        return bosId;
    }

    public Integer eosTokenId() {
        return eosId;
    }

    public Integer padTokenId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
