package io.autoround.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BOS rule from tokenizer_config.json, round trips and the missing-file error. */
class TextTokenizerTest {

    @Test
    void tinyQwen3AddsNoBosAndRoundTrips() {
        try (TextTokenizer tok = TextTokenizer.load(SharedData.model("tiny-qwen3-12m"))) {
            assertFalse(tok.addsBos());
            assertNull(tok.bosTokenId());
            assertEquals(0, tok.eosTokenId());
            String text = "In the beginning God created the heaven and the earth.\nNaïve café — ünïcödé ✓ 123";
            long[] ids = tok.encode(text);
            assertTrue(ids.length > 10);
            assertArrayEquals(tok.encodePlain(text), ids);
            assertTrue(ids[0] != 0, "no special token in front");
            assertEquals(text, tok.decode(ids));
        }
    }

    @Test
    void stories260kPrependsBosOnce() {
        try (TextTokenizer tok = TextTokenizer.load(SharedData.model("stories260k-hf"))) {
            long[] plain = tok.encodePlain("Once upon a time");
            long[] ids = tok.encode("Once upon a time");
            assertEquals(plain.length + 1, ids.length);
            assertEquals(1, ids[0]);
            assertEquals(403, ids[1]);
            assertEquals("Once upon a time", tok.decode(ids));
            assertEquals(2, tok.eosTokenId());
        }
    }

    @Test
    void missingTokenizerJsonNamesTheFolder(@TempDir Path dir) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("tokenizer.json"), e.getMessage());
    }
}
