package io.autoround.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a SentencePiece {@code tokenizer.model} into the equivalent fast tokenizer ({@code tokenizer.json} tree),
 * as transformers does when a checkpoint ships only the slow tokenizer: BPE models (Llama, Mistral) as its
 * {@code LlamaConverter} (with the BOS post-processor of {@code LlamaTokenizerFast}), Unigram models as its
 * {@code SpmConverter}. The tokenizer_config's {@code legacy}, {@code add_prefix_space}, {@code add_bos_token} and
 * {@code add_eos_token} are honoured with transformers' defaults.
 */
public final class SentencePieceConverter {
    public static final String MODEL_FILE = "tokenizer.model";

    private SentencePieceConverter() {}

    /** The tokenizer.json tree for {@code modelFile}; {@code config} is tokenizer_config.json (null when absent). */
    public static ObjectNode convert(Path modelFile, JsonNode config) {
        SentencePieceModel m = SentencePieceModel.read(modelFile);
        boolean addPrefix = flag(config, "add_prefix_space", m.addDummyPrefix());
        return switch (m.modelType()) {
            case SentencePieceModel.BPE -> {
                List<Object> tokens = new ArrayList<>();
                List<Object> scores = new ArrayList<>();
                List<Object> types = new ArrayList<>();
                for (SentencePieceModel.Piece p : m.pieces()) {
                    tokens.add(p.text());
                    scores.add(p.score());
                    types.add(p.type());
                }
                ObjectNode root = SentencePieceBpeJson.build(tokens, scores, types, flag(config, "legacy", true),
                        addPrefix, m.byteFallback());
                ((ObjectNode) root.get("model")).put("unk_token", m.pieces().get(m.unkId()).text());
                root.set("post_processor", bosEosTemplate(config, m));
                yield root;
            }
            case SentencePieceModel.UNIGRAM -> SentencePieceUnigramJson.build(m, addPrefix);
            default -> throw new TokenizerException(modelFile, "SentencePiece model type " + m.modelType()
                    + (m.modelType() == 3 ? " (WORD)" : m.modelType() == 4 ? " (CHAR)" : "")
                    + " is not supported; only BPE and Unigram models convert to a fast tokenizer");
        };
    }

    /** LlamaTokenizerFast's post-processor: BOS (default on) and EOS (default off) around each sequence. */
    private static JsonNode bosEosTemplate(JsonNode config, SentencePieceModel m) {
        String bos = specialText(config, "bos_token", m, 1);
        String eos = specialText(config, "eos_token", m, 2);
        boolean addBos = flag(config, "add_bos_token", true) && bos != null;
        boolean addEos = flag(config, "add_eos_token", false) && eos != null;
        if (!addBos && !addEos) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        ObjectNode t = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = t.putArray("single");
        ArrayNode pair = t.putArray("pair");
        for (int seq = 0; seq < 2; seq++) {
            for (ArrayNode target : seq == 0 ? List.of(single, pair) : List.of(pair)) {
                if (addBos) {
                    target.addObject().putObject("SpecialToken").put("id", bos).put("type_id", seq);
                }
                target.addObject().putObject("Sequence").put("id", seq == 0 ? "A" : "B").put("type_id", seq);
                if (addEos) {
                    target.addObject().putObject("SpecialToken").put("id", eos).put("type_id", seq);
                }
            }
        }
        ObjectNode specials = t.putObject("special_tokens");
        for (String s : addBos && addEos ? List.of(bos, eos) : List.of(addBos ? bos : eos)) {
            int id = idOf(m, s);
            ObjectNode e = specials.putObject(s).put("id", s);
            e.putArray("ids").add(id);
            e.putArray("tokens").add(s);
        }
        return t;
    }

    /** The special token the config names, else the piece at SentencePiece's default id when it is CONTROL. */
    private static String specialText(JsonNode config, String key, SentencePieceModel m, int defaultId) {
        if (config != null && config.hasNonNull(key)) {
            JsonNode n = config.get(key);
            String text = n.isObject() ? n.path("content").asText() : n.asText();
            return idOf(m, text) >= 0 ? text : null;
        }
        return m.pieces().size() > defaultId && m.pieces().get(defaultId).type() == SentencePieceModel.CONTROL
                ? m.pieces().get(defaultId).text() : null;
    }

    private static int idOf(SentencePieceModel m, String text) {
        for (int i = 0; i < m.pieces().size(); i++) {
            if (m.pieces().get(i).text().equals(text)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean flag(JsonNode config, String key, boolean otherwise) {
        return config != null && config.has(key) && config.get(key).isBoolean() ? config.get(key).asBoolean() : otherwise;
    }
}
