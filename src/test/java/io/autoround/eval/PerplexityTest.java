package io.autoround.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Perplexity protocol against the reference figures of docs/benchmarks.md and reference_ppl.json. */
class PerplexityTest {

    @Test
    void tinyQwen3HeldoutMatchesReference() throws Exception {
        Path dir = SharedData.model("tiny-qwen3-12m");
        String text = Files.readString(dir.resolve("heldout.txt"));
        List<int[]> progress = new ArrayList<>();
        try (DecoderModel model = DecoderModel.load(dir); TextTokenizer tok = TextTokenizer.load(dir)) {
            long t0 = System.nanoTime();
            Perplexity.Result r = Perplexity.evaluate(model, tok, text,
                    Perplexity.Options.of(256).withProgress((done, total) -> progress.add(new int[] {done, total})));
            System.out.printf("tiny-qwen3-12m heldout: ppl %.4f over %d tokens (%d windows) in %.1f s%n", r.perplexity(),
                    r.scoredTokens(), r.windows(), (System.nanoTime() - t0) / 1e9);
            assertEquals(60_235, r.totalTokens());
            assertEquals(59_925, r.scoredTokens());
            assertEquals(54.5429, r.perplexity(), 0.1);
            assertEquals(r.windows(), progress.get(progress.size() - 1)[0]);
            assertEquals(r.windows(), progress.get(0)[1]);
        }
    }

    @Test
    void stories260kMatchesReferenceWithTailKept() throws Exception {
        Path dir = SharedData.model("stories260k-hf");
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference_ppl.json").toFile()).get("results");
        JsonNode train = null;
        for (JsonNode r : ref) {
            if (r.get("file").asText().equals("tinystories_train_sample.txt")) {
                train = r;
            }
        }
        String text = Files.readString(SharedData.text("tinystories_train_sample.txt"));
        try (DecoderModel model = DecoderModel.load(dir); TextTokenizer tok = TextTokenizer.load(dir)) {
            long[] tokens = tok.encode(text);
            assertEquals(train.get("n_tokens_with_bos").asLong(), tokens.length);
            for (int i = 0; i < train.get("first_ids").size(); i++) {
                assertEquals(train.get("first_ids").get(i).asLong(), tokens[i]);
            }
            long t0 = System.nanoTime();
            Perplexity.Result kept = Perplexity.evaluate(model, tokens, Perplexity.Options.of(256).withKeepTail(true));
            System.out.printf("stories260K train sample: ppl %.5f (ref %.5f) in %.1f s%n", kept.perplexity(),
                    train.get("ppl").asDouble(), (System.nanoTime() - t0) / 1e9);
            assertEquals(train.get("n_windows").asInt(), kept.windows());
            assertEquals(train.get("n_predicted").asLong(), kept.scoredTokens());
            assertEquals(train.get("mean_nll").asDouble(), kept.meanNll(), 1e-5);
            assertEquals(train.get("ppl").asDouble(), kept.perplexity(), 1e-4);

            // the tail rule on a short prefix: 4 full windows + a tail of 100; the kept tail adds exactly its own NLL
            long[] prefix = java.util.Arrays.copyOf(tokens, 4 * 256 + 100);
            Perplexity.Result dropped = Perplexity.evaluate(model, prefix, Perplexity.Options.of(256).withBatchSize(3));
            Perplexity.Result withTail = Perplexity.evaluate(model, prefix, Perplexity.Options.of(256).withKeepTail(true));
            Perplexity.Result tailAlone = Perplexity.evaluate(model, java.util.Arrays.copyOfRange(prefix, 1024, 1124),
                    Perplexity.Options.of(100));
            assertEquals(4, dropped.windows());
            assertEquals(4 * 255, dropped.scoredTokens());
            assertEquals(5, withTail.windows());
            assertEquals(4 * 255 + 99, withTail.scoredTokens());
            assertEquals(dropped.meanNll() * dropped.scoredTokens() + tailAlone.meanNll() * tailAlone.scoredTokens(),
                    withTail.meanNll() * withTail.scoredTokens(), 1e-3);
            assertTrue(tailAlone.meanNll() > 0.1);
        }
    }

    @Test
    void tooShortTextIsRejected() {
        try (DecoderModel model = DecoderModel.load(SharedData.model("stories260k-hf"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Perplexity.evaluate(model, new long[] {1, 2, 3}, Perplexity.Options.of(256)));
            assertTrue(e.getMessage().contains("fewer than one window"), e.getMessage());
        }
    }
}
