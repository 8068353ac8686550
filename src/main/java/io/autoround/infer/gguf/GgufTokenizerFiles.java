package io.autoround.infer.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.export.gguf.GgufReader;
import io.autoround.export.gguf.GgufValue;
import io.autoround.export.gguf.GgufVocabulary;
import io.autoround.model.tokenizer.SentencePieceBpeJson;
import io.autoround.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds Hugging Face tokenizer files ({@code tokenizer.json}, {@code tokenizer_config.json}) from a GGUF
 * vocabulary. Byte-level BPE ({@code tokenizer.ggml.model = gpt2}): tokens as the BPE vocabulary, CONTROL and
 * USER_DEFINED tokens as added tokens, the merges, and the pre-tokenizer llama.cpp's {@code tokenizer.ggml.pre} name
 * stands for (gpt-2, qwen2, llama-bpe). SentencePiece ({@code llama}): see {@link SentencePieceBpeJson}. Special
 * token ids and {@code add_bos_token} come from the GGUF keys.
 */
public final class GgufTokenizerFiles {
    /** The split regex of Qwen2's tokenizer (llama.cpp pre-tokenizer {@code qwen2}). */
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** The split regex of Llama 3's tokenizer (llama.cpp pre-tokenizer {@code llama-bpe}). */
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufTokenizerFiles() {}

    /** The reason the vocabulary cannot be rebuilt, or empty when {@link #write} can rebuild it. */
    public static Optional<String> unsupportedReason(GgufReader r) {
        String model = r.get("tokenizer.ggml.model").map(GgufValue::asString).orElse(null);
        if (model == null || r.get("tokenizer.ggml.tokens").isEmpty()) {
            return Optional.of("it holds no vocabulary");
        }
        if (model.equals("llama")) {
            return r.get("tokenizer.ggml.scores").isPresent() ? Optional.empty()
                    : Optional.of("its SentencePiece ('llama') vocabulary has no scores");
        }
        if (!model.equals("gpt2")) {
            return Optional.of("its vocabulary is '" + model + "'; only byte-level BPE ('gpt2') and SentencePiece"
                    + " ('llama') vocabularies are rebuilt");
        }
        if (r.get("tokenizer.ggml.merges").isEmpty()) {
            return Optional.of("its BPE vocabulary has no merges");
        }
        String pre = pre(r);
        if (!List.of(GgufVocabulary.GPT2_PRE, "qwen2", "llama-bpe").contains(pre)) {
            return Optional.of("its pre-tokenizer '" + pre + "' is not one this loader rebuilds (gpt-2, qwen2, llama-bpe)");
        }
        return Optional.empty();
    }

    private static String pre(GgufReader r) {
        return r.get("tokenizer.ggml.pre").map(GgufValue::asString).orElse(GgufVocabulary.GPT2_PRE);
    }

    /** Writes tokenizer.json and tokenizer_config.json into {@code dir} (temp names, then renamed). */
    public static void write(GgufReader r, Path dir) {
        unsupportedReason(r).ifPresent(why -> {
            throw new UnsupportedOperationException("cannot rebuild the tokenizer: " + why);
        });
        List<?> tokens = r.get("tokenizer.ggml.tokens").orElseThrow().asList();
        List<?> types = r.get("tokenizer.ggml.token_type").map(GgufValue::asList).orElse(null);
        boolean sentencePiece = r.get("tokenizer.ggml.model").orElseThrow().asString().equals("llama");
        ObjectNode root = sentencePiece
                ? SentencePieceBpeJson.build(tokens, r.get("tokenizer.ggml.scores").orElseThrow().asList(), types)
                : byteLevelBpe(r, tokens, types);
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        // llama.cpp's defaults when the file does not say: BOS for SentencePiece, none for byte-level BPE
        cfg.put("add_bos_token", r.get("tokenizer.ggml.add_bos_token").map(v -> (Boolean) v.value()).orElse(sentencePiece));
        for (Map.Entry<String, String> e : Map.of("bos_token", "bos", "eos_token", "eos", "pad_token", "padding",
                "unk_token", "unknown").entrySet()) {
            r.get("tokenizer.ggml." + e.getValue() + "_token_id").ifPresent(v -> {
                int id = Math.toIntExact(v.asLong());
                if (id >= 0 && id < tokens.size()) {
                    cfg.put(e.getKey(), (String) tokens.get(id));
                }
            });
        }
        writeJson(dir.resolve(TextTokenizer.TOKENIZER_FILE), root);
        writeJson(dir.resolve(TextTokenizer.CONFIG_FILE), cfg);
    }

    private static ObjectNode byteLevelBpe(GgufReader r, List<?> tokens, List<?> types) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            int type = types == null ? GgufVocabulary.NORMAL : ((Number) types.get(id)).intValue();
            String text = (String) tokens.get(id);
            if (type == GgufVocabulary.UNUSED) {
                continue;
            }
            vocab.put(text, id);
            if (type == GgufVocabulary.CONTROL || type == GgufVocabulary.USER_DEFINED) {
                ObjectNode a = added.addObject();
                a.put("id", id).put("content", text).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", type == GgufVocabulary.CONTROL);
            }
        }
        String pre = pre(r);
        if (pre.equals("qwen2")) {
            root.set("normalizer", JSON.createObjectNode().put("type", "NFC"));
        } else {
            root.putNull("normalizer");
        }
        root.set("pre_tokenizer", preTokenizer(pre));
        root.set("post_processor", byteLevel(false, false));
        root.set("decoder", byteLevel(false, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", pre.equals("llama-bpe"));
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        r.get("tokenizer.ggml.merges").orElseThrow().asList().forEach(m -> merges.add((String) m));
        return root;
    }

    private static ObjectNode preTokenizer(String pre) {
        if (pre.equals(GgufVocabulary.GPT2_PRE)) {
            return byteLevel(true, true);
        }
        ObjectNode seq = JSON.createObjectNode().put("type", "Sequence");
        ArrayNode list = seq.putArray("pretokenizers");
        ObjectNode split = list.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", pre.equals("qwen2") ? QWEN2_REGEX : LLAMA3_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        list.add(byteLevel(false, false));
        return seq;
    }

    private static ObjectNode byteLevel(boolean useRegex, boolean trimOffsets) {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", trimOffsets).put("use_regex", useRegex);
    }

    private static void writeJson(Path file, ObjectNode node) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), node);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
