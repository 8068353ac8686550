package io.autoround.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder with only a SentencePiece tokenizer.model gets a fast tokenizer converted as transformers does. The real
 * fixture is stories260K's tokenizer.model, whose tokenizer.json transformers made (the oracle); two tiny models
 * written here as protobuf bytes check the BPE and Unigram paths against encodings worked out by hand.
 */
class SentencePieceConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path STORIES = SharedData.model("stories260k-hf");

    @TempDir
    Path tmp;

    @Test
    void storiesTokenizerModelConvertsToTheTokenizerJsonTransformersWrote() throws Exception {
        JsonNode config = JSON.readTree(STORIES.resolve("tokenizer_config.json").toFile());
        JsonNode converted = SentencePieceConverter.convert(STORIES.resolve("tokenizer.model"), config);
        JsonNode expected = JSON.readTree(STORIES.resolve("tokenizer.json").toFile());
        assertEquals(expected.get("model").get("merges"), converted.get("model").get("merges"), "merges, in order");
        assertEquals(expected, converted);
    }

    @Test
    void storiesFolderWithoutTokenizerJsonEncodesAndDecodesTheSame() throws Exception {
        Path slow = Files.createDirectories(tmp.resolve("slow"));
        Files.copy(STORIES.resolve("tokenizer.model"), slow.resolve("tokenizer.model"));
        Files.copy(STORIES.resolve("tokenizer_config.json"), slow.resolve("tokenizer_config.json"));
        String text = Files.readString(SharedData.text("tinystories_valid_sample.txt")).substring(0, 4000)
                + " naïve café 漢字 €5";
        try (TextTokenizer fast = TextTokenizer.load(STORIES); TextTokenizer converted = TextTokenizer.load(slow)) {
            long[] ids = fast.encode(text);
            assertTrue(ids.length > 500, "a real text: " + ids.length);
            assertArrayEquals(ids, converted.encode(text));
            assertEquals(fast.decode(ids), converted.decode(ids));
            assertEquals(1, converted.bosTokenId());
        }
        // without tokenizer_config.json: LlamaTokenizerFast's defaults (BOS added by the post-processor)
        Files.delete(slow.resolve("tokenizer_config.json"));
        try (TextTokenizer fast = TextTokenizer.load(STORIES); TextTokenizer converted = TextTokenizer.load(slow)) {
            assertArrayEquals(fast.encode("Once upon a time"), converted.encode("Once upon a time"));
            assertEquals(1L, converted.encode("Once upon a time")[0]);
        }
    }

    /**
     * BPE, no byte fallback: ▁ a b c (scores -5..-8), ▁a (-1), ▁ab (-2). Merges: (▁,a) from ▁a, then (▁a,b) from ▁ab.
     * "ab ca" -> "▁ab▁ca" -> ▁a b ▁ c a -> ▁ab ▁ c a = [8, 3, 6, 4]; "ad" -> ▁a, d unknown = [7, 0].
     */
    @Test
    void handWrittenBpeModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bpe"));
        Files.write(dir.resolve("tokenizer.model"), model(2, false,
                piece("<unk>", 0, 2), piece("<s>", 0, 3), piece("</s>", 0, 3), piece("\u2581", -5, 1),
                piece("a", -6, 1), piece("b", -7, 1), piece("c", -8, 1), piece("\u2581a", -1, 1),
                piece("\u2581ab", -2, 1)));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": false}");
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertArrayEquals(new long[] {8, 3, 6, 4}, t.encode("ab ca"));
            assertArrayEquals(new long[] {7, 0}, t.encode("ad"));
            assertEquals("ab ca", t.decode(new long[] {8, 3, 6, 4}));
            assertEquals("aab", t.decode(new long[] {7, 4, 5}));
        }
    }

    /**
     * Unigram: ▁ (-3), a (-2), b (-2), ▁a (-1), ab (-1.5). "ab" -> "▁ab": ▁a+b = -3 beats ▁+ab = -4.5 -> [6, 5];
     * "ba" -> ▁+b+a (no other split) -> [3, 5, 4].
     */
    @Test
    void handWrittenUnigramModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("unigram"));
        Files.write(dir.resolve("tokenizer.model"), model(1, false,
                piece("<unk>", 0, 2), piece("<s>", 0, 3), piece("</s>", 0, 3), piece("\u2581", -3, 1),
                piece("a", -2, 1), piece("b", -2, 1), piece("\u2581a", -1, 1), piece("ab", -1.5f, 1)));
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertArrayEquals(new long[] {6, 5}, t.encodePlain("ab"));
            assertArrayEquals(new long[] {3, 5, 4}, t.encodePlain("ba"));
            assertEquals("ab ba", t.decode(new long[] {6, 5, 3, 5, 4}));
        }
    }

    @Test
    void badModelsFailNamingTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.write(dir.resolve("tokenizer.model"), new byte[] {0x0A, 0x7F, 0x01});
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.model") && e.getMessage().contains("not a SentencePiece model"),
                e.getMessage());
        Files.write(dir.resolve("tokenizer.model"), model(3, false, piece("<unk>", 0, 2), piece("a", 0, 1)));
        e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains("WORD"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(empty));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("tokenizer.model"), e.getMessage());
    }

    // --- a minimal protobuf writer for ModelProto ---

    private static byte[] model(int modelType, boolean byteFallback, byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : pieces) {
            field(out, 1, p);
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        varintField(trainer, 3, modelType);
        varintField(trainer, 35, byteFallback ? 1 : 0);
        varintField(trainer, 40, 0);
        field(out, 2, trainer.toByteArray());
        ByteArrayOutputStream normalizer = new ByteArrayOutputStream();
        field(normalizer, 1, "identity".getBytes(StandardCharsets.UTF_8));
        varintField(normalizer, 3, 1);
        field(out, 3, normalizer.toByteArray());
        return out.toByteArray();
    }

    private static byte[] piece(String text, float score, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 1, text.getBytes(StandardCharsets.UTF_8));
        varint(out, (2 << 3) | 5);
        int bits = Float.floatToIntBits(score);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xFF);
        }
        varintField(out, 3, type);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varintField(ByteArrayOutputStream out, int field, long v) {
        varint(out, field << 3);
        varint(out, v);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
