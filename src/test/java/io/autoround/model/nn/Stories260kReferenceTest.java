package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.eval.GreedyGenerator;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** stories260K (real trained llama2.c model) against its float64 reference logits and greedy generation. */
class Stories260kReferenceTest {
    private static final Path DIR = SharedData.model("stories260k-hf");
    private static DecoderModel model;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        model = DecoderModel.load(DIR);
        reference = new ObjectMapper().readTree(DIR.resolve("reference_logits.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    @Test
    void logitsMatchReference() {
        assertEquals(true, model.config().tieWordEmbeddings());
        long[] ids = longs(reference.get("input_ids"));
        assertEquals(32, ids.length);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = model.logits(m.create(ids), null);
            float[] got = logits.toFloatArray();
            JsonNode rows = reference.get("logits");
            double maxDiff = 0;
            for (int t = 0; t < rows.size(); t++) {
                for (int v = 0; v < 512; v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[t * 512 + v] - rows.get(t).get(v).asDouble()));
                }
            }
            System.out.println("stories260K max |logit - reference| = " + maxDiff);
            assertTrue(maxDiff <= 1e-4, "max diff " + maxDiff);
        }
    }

    @Test
    void greedyGenerationFromBosMatchesReference() {
        JsonNode greedy = reference.get("greedy");
        long[] expected = longs(greedy.get("output_ids"));
        long[] prompt = longs(greedy.get("input_ids"));
        long[] out = new GreedyGenerator(model).generate(prompt, expected.length - prompt.length, Set.of(1L));
        assertArrayEquals(expected, out);
        try (TextTokenizer tok = TextTokenizer.load(DIR)) {
            assertEquals(greedy.get("text").asText(), tok.decode(out));
        }
    }

    @Test
    void tokenizerReproducesReferenceIds() {
        try (TextTokenizer tok = TextTokenizer.load(DIR)) {
            assertTrue(tok.addsBos());
            assertEquals(1, tok.bosTokenId());
            assertArrayEquals(longs(reference.get("input_ids")), tok.encode(reference.get("prompt_text").asText()));
        }
    }
}
