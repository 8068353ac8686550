package io.autoround.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The {@code tokenizer.json} transformers' generic {@code SpmConverter} makes from a SentencePiece Unigram model
 * (T5, ALBERT, XLNet style): the Unigram vocabulary with its scores, the model's compiled normalizer
 * ({@code Precompiled}) followed by a right strip and the collapse of space runs, a Metaspace pre-tokenizer and
 * decoder (prepending {@code ▁} when add_dummy_prefix is set), and CONTROL / USER_DEFINED pieces as added tokens.
 */
public final class SentencePieceUnigramJson {
    private static final String SPACE = "\u2581";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SentencePieceUnigramJson() {}

    /** The tokenizer.json tree of {@code m}; {@code addPrefixSpace} overrides its add_dummy_prefix. */
    public static ObjectNode build(SentencePieceModel m, boolean addPrefixSpace) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < m.pieces().size(); id++) {
            SentencePieceModel.Piece p = m.pieces().get(id);
            if (p.type() == SentencePieceModel.CONTROL || p.type() == SentencePieceModel.USER_DEFINED) {
                added.addObject().put("id", id).put("content", p.text()).put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false)
                        .put("special", p.type() == SentencePieceModel.CONTROL);
            }
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        if (m.precompiledCharsmap().length > 0) {
            norms.addObject().put("type", "Precompiled")
                    .put("precompiled_charsmap", Base64.getEncoder().encodeToString(m.precompiledCharsmap()));
        }
        norms.addObject().put("type", "Strip").put("strip_left", false).put("strip_right", true);
        ObjectNode runs = norms.addObject().put("type", "Replace");
        runs.putObject("pattern").put("Regex", " {2,}");
        runs.put("content", SPACE);
        String scheme = addPrefixSpace ? "always" : "never";
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", SPACE)
                .put("prepend_scheme", scheme).put("split", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Metaspace").put("replacement", SPACE)
                .put("prepend_scheme", scheme).put("split", true);
        ObjectNode model = root.putObject("model").put("type", "Unigram").put("unk_id", m.unkId());
        ArrayNode vocab = model.putArray("vocab");
        for (SentencePieceModel.Piece p : m.pieces()) {
            vocab.addArray().add(p.text()).add((double) p.score());
        }
        model.put("byte_fallback", m.byteFallback());
        return root;
    }
}
