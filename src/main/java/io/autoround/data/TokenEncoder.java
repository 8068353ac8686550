package io.autoround.data;

/** What calibration needs from a tokenizer: text to ids with the tokenizer's own special-token rule. */
public interface TokenEncoder {

    /** Token ids of {@code text}, with BOS etc. added as the tokenizer does by default. */
    int[] encode(String text);

    /** BOS id, or -1 when the tokenizer adds none. */
    int bosId();

    /** EOS id, or -1 when unknown. */
    int eosId();
}
