package io.autoround.autoscheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.testutil.SharedData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad AutoScheme requests fail before any scoring, naming the problem; a good one reports its range. */
class AutoSchemeRequestTest {
    @TempDir
    Path tmp;

    private QuantizeOptions options(double avgBits, String opts) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.iters = 0;
        o.outputDir = tmp.resolve("out").toString();
        o.autoScheme = new AutoSchemeConfig(avgBits, AutoSchemeConfig.parseOptions(opts));
        return o;
    }

    private static String failure(Class<? extends RuntimeException> type, QuantizeOptions o) {
        return assertThrows(type, () -> new AutoRound(o, new PrintStream(PrintStream.nullOutputStream())).plan())
                .getMessage();
    }

    @Test
    void optionsParseAsTheReferenceDoes() {
        assertEquals(List.of("W2A16", "W4A16", "W8A16"), AutoSchemeConfig.parseOptions(" w2a16, W4A16 w8a16 "));
    }

    @Test
    void unknownEmptyAndMixedOptionsAreRefused() {
        assertTrue(failure(IllegalArgumentException.class, options(3, "W2A16,W9A16")).contains("'W9A16' is not a preset"));
        assertTrue(failure(IllegalArgumentException.class, options(3, "")).contains("options are empty"));
        assertTrue(failure(IllegalArgumentException.class, options(3, "W4A16_MIXED,W2A16")).contains("mixed"));
        assertTrue(failure(UnsupportedOperationException.class, options(4, "MXFP4,W4A16")).contains("activations"));
    }

    @Test
    void aTargetOutsideTheRangeNamesTheRange() {
        String m = failure(IllegalArgumentException.class, options(1.5, "W2A16,W4A16"));
        assertTrue(m.contains("avg_bits=1.500 is outside the valid range [2.141, 4.156]"), m);
        m = failure(IllegalArgumentException.class, options(0, "W2A16,W4A16"));
        assertTrue(m.contains("positive"), m);
    }

    @Test
    void formatsThatCannotHoldMixedBitsAreRefusedBeforeTheSearch() {
        QuantizeOptions o = options(3, "W2A16,W4A16");
        o.formats = List.of("auto_awq");
        assertTrue(failure(IllegalArgumentException.class, o).contains("auto_awq cannot hold per-layer schemes"));
        o.formats = List.of("gguf:q4_k_m");
        assertTrue(failure(UnsupportedOperationException.class, o).contains("GGUF"));
    }

    @Test
    void aTargetAtTheRangeEndIsAccepted() {
        QuantizeOptions o = options(2.1406, "W2A16,W4A16"); // within 1e-3 of the all-W2A16 average 2.140625
        assertEquals("W2A16", new AutoRound(o, new PrintStream(PrintStream.nullOutputStream())).plan().presetName());
    }

    @Test
    void layerConfigPinsALayerThatStillCountsInTheAverage() {
        QuantizeOptions o = options(3, "W2A16,W4A16");
        SearchSpace free = SearchSpace.build(o, SharedData.model("tiny-qwen3-12m"), "tiny-qwen3-12m",
                List.of("W2A16", "W4A16"), false);
        o.layerConfig.put("model.layers.0.mlp.down_proj", "W8A16");
        SearchSpace pinned = SearchSpace.build(o, SharedData.model("tiny-qwen3-12m"), "tiny-qwen3-12m",
                List.of("W2A16", "W4A16"), false);
        assertEquals(42, free.candidates().size());
        assertEquals(41, pinned.candidates().size());
        assertEquals(1, pinned.fixed().size());
        assertEquals(free.totalNumel(), pinned.totalNumel());
        // down_proj is 384 x 1024: at W8A16 it costs (8.1875 - 2.140625) bits per weight more than at W2A16
        double extra = 384 * 1024 * (8.1875 - 2.140625) / free.totalNumel();
        assertEquals(free.uniformAverage(0) + extra, pinned.uniformAverage(0), 1e-12);
    }

    @Test
    void w4a16MixedIsTheReferenceRecipeInt8OutsideRoutedExperts() {
        QuantizeOptions o = options(3, "W2A16");
        o.autoScheme = null;
        o.scheme = "W4A16_MIXED";
        o.layerConfig.put("model.layers.0.mlp.down_proj", "W2A16");
        io.autoround.api.RunPlan plan = new AutoRound(o, new PrintStream(PrintStream.nullOutputStream())).plan();
        assertEquals(42, plan.quantizedLayers().size());
        for (var l : plan.quantizedLayers()) {
            assertEquals(l.name().equals("model.layers.0.mlp.down_proj") ? 2 : 8, l.scheme().bits(), l.name());
        }
        assertEquals(4, plan.scheme().bits(), "the global scheme stays W4A16");
    }

    @Test
    void bf16IsASixteenBitOption() {
        SearchSpace s = SearchSpace.build(options(8, "W2A16,BF16"), SharedData.model("tiny-qwen3-12m"), "tiny-qwen3-12m",
                List.of("W2A16", "BF16"), false);
        assertEquals(2.140625, s.uniformAverage(0), 1e-12);
        assertEquals(16.0, s.uniformAverage(1), 1e-12);
        assertEquals("W2A16", s.base().presetName());
        assertTrue(s.candidates().get(0).schemes().get(1).keepsFullPrecision());
    }

    @Test
    void aCancelDuringTheSearchStopsItAndWritesNothing() {
        QuantizeOptions o = options(3, "W2A16,W4A16");
        o.autoScheme.nsamples = 2;
        o.autoScheme.seqlen = 32;
        o.dataset = SharedData.text("wikitext2_valid.txt").toString();
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        AutoRound ar = new AutoRound(o, new PrintStream(PrintStream.nullOutputStream()))
                .withListener(new io.autoround.api.ProgressListener() {
                    @Override
                    public boolean cancelled() {
                        return polls.incrementAndGet() > 3; // a few blocks into the first option's forward
                    }
                });
        assertThrows(java.util.concurrent.CancellationException.class, ar::quantizeAndSave);
        assertTrue(polls.get() > 3);
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("out")), "nothing written");
    }
}
