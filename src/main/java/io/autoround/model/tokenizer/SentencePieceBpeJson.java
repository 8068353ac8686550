package io.autoround.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.json} transformers' {@code LlamaConverter} makes from a SentencePiece BPE model (a
 * {@code tokenizer.model}, or a GGUF {@code llama} vocabulary: pieces, scores, piece types): a BPE whose merges are
 * every split of a piece into two pieces, ordered by the merged piece's score, then the halves' lengths (highest
 * first; ties by the ids of the halves). Legacy mode (transformers' default): a normalizer that prepends {@code ▁}
 * (with add_dummy_prefix) and substitutes it for spaces; otherwise a Metaspace pre-tokenizer that prepends it to the
 * first word only. The decoder undoes both.
 */
public final class SentencePieceBpeJson {
    private static final int UNKNOWN = SentencePieceModel.UNKNOWN;
    private static final String SPACE = "\u2581";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SentencePieceBpeJson() {}

    private record Merge(String left, String right, int leftId, int rightId, float score) {}

    /** The legacy byte-fallback tokenizer.json tree for {@code tokens} with their {@code scores} and {@code types}. */
    public static ObjectNode build(List<?> tokens, List<?> scores, List<?> types) {
        return build(tokens, scores, types, true, true, true);
    }

    /**
     * The tokenizer.json tree for {@code tokens} with their {@code scores} and SentencePiece {@code types} (null: all
     * NORMAL).
     *
     * @param legacy transformers' {@code legacy} flag (true unless the tokenizer_config says false)
     * @param addPrefixSpace SentencePiece's add_dummy_prefix (a {@code ▁} before the text, stripped when decoding)
     * @param byteFallback whether unknown characters become {@code <0xXX>} pieces
     */
    public static ObjectNode build(List<?> tokens, List<?> scores, List<?> types, boolean legacy,
            boolean addPrefixSpace, boolean byteFallback) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.putIfAbsent((String) tokens.get(i), i);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        String unk = null;
        for (int id = 0; id < tokens.size(); id++) {
            String piece = (String) tokens.get(id);
            int type = type(types, id);
            vocab.put(piece, id);
            if (type == UNKNOWN) {
                unk = piece;
            }
            if (type == UNKNOWN || type == SentencePieceModel.CONTROL || type == SentencePieceModel.USER_DEFINED) {
                added.addObject().put("id", id).put("content", piece).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false)
                        .put("special", type != SentencePieceModel.USER_DEFINED);
            }
        }
        if (legacy) {
            ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
            ArrayNode norms = normalizer.putArray("normalizers");
            if (addPrefixSpace) {
                norms.addObject().put("type", "Prepend").put("prepend", SPACE);
            }
            ObjectNode replace = norms.addObject().put("type", "Replace");
            replace.putObject("pattern").put("String", " ");
            replace.put("content", SPACE);
            root.putNull("pre_tokenizer");
        } else {
            root.putNull("normalizer");
            root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", SPACE)
                    .put("prepend_scheme", addPrefixSpace ? "first" : "never").put("split", false);
        }
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decs = decoder.putArray("decoders");
        ObjectNode back = decs.addObject().put("type", "Replace");
        back.putObject("pattern").put("String", SPACE);
        back.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        if (addPrefixSpace) {
            decs.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        if (unk == null) {
            model.putNull("unk_token");
        } else {
            model.put("unk_token", unk);
        }
        model.putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
        model.put("fuse_unk", true).put("byte_fallback", byteFallback).put("ignore_merges", false);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        for (Merge m : merges(tokens, scores, ids)) {
            merges.add(m.left() + " " + m.right());
        }
        return root;
    }

    /** transformers' {@code SentencePieceExtractor.extract} with scores. */
    private static List<Merge> merges(List<?> tokens, List<?> scores, Map<String, Integer> ids) {
        List<Merge> all = new ArrayList<>();
        for (int id = 0; id < tokens.size(); id++) {
            String piece = (String) tokens.get(id);
            float score = ((Number) scores.get(id)).floatValue();
            List<Merge> local = new ArrayList<>();
            for (int at = piece.offsetByCodePoints(0, Math.min(1, piece.codePointCount(0, piece.length())));
                    at > 0 && at < piece.length(); at = piece.offsetByCodePoints(at, 1)) {
                Integer l = ids.get(piece.substring(0, at));
                Integer r = ids.get(piece.substring(at));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, at), piece.substring(at), l, r, score));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            all.addAll(local);
        }
        // by (score, length of the left piece, length of the right piece), highest first; stable otherwise
        all.sort(Comparator.comparingDouble((Merge m) -> m.score())
                .thenComparingInt(m -> m.left().codePointCount(0, m.left().length()))
                .thenComparingInt(m -> m.right().codePointCount(0, m.right().length())).reversed());
        return all;
    }

    private static int type(List<?> types, int id) {
        return types == null ? SentencePieceModel.NORMAL : ((Number) types.get(id)).intValue();
    }
}
