package io.autoround.api;

import io.autoround.data.TokenEncoder;
import io.autoround.model.tokenizer.TextTokenizer;

/** Calibration's view of a model tokenizer. */
public record TokenizerEncoder(TextTokenizer tokenizer) implements TokenEncoder {
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text);
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public int bosId() {
        return tokenizer.addsBos() && tokenizer.bosTokenId() != null ? tokenizer.bosTokenId() : -1;
    }

    @Override
    public int eosId() {
        return tokenizer.eosTokenId() == null ? -1 : tokenizer.eosTokenId();
    }
}
