package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-qwen3-12m with the protocol of docs/benchmarks.md (held-out text, 256-token windows), measured on the
 * exported checkpoints read back: pure RTN must reproduce the reference's figures, and optimized RTN (default uniform
 * weighting, which needs no calibrated forward) must beat pure RTN at both bit widths. The reference's imatrix
 * weighting is compared by the benchmark command in docs/benchmarks.md.
 */
class TinyQwenRtnAccuracyTest {
    @TempDir
    Path tmp;

    private double quantizeAndScore(String scheme, boolean disableOptRtn) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.scheme = scheme;
        o.iters = 0;
        o.disableOptRtn = disableOptRtn;
        o.dataset = SharedData.text("wikitext2_valid.txt").toString();
        o.nsamples = 128;
        o.seqlen = 256;
        o.outputDir = tmp.resolve(scheme + (disableOptRtn ? "-rtn" : "-optrtn")).toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(disableOptRtn ? Algorithm.RTN : Algorithm.OPT_RTN, r.algorithm());
        assertEquals(42, r.quantizedLayers(), "6 blocks x 7 Linear layers");
        return AutoRound.perplexity(r.outputs().get(0), SharedData.model("tiny-qwen3-12m").resolve("heldout.txt"), 256, null)
                .perplexity();
    }

    @Test
    void pureRtnMatchesReferenceAndOptimizedRtnBeatsIt() {
        double w4 = quantizeAndScore("W4A16", true);
        double w2 = quantizeAndScore("W2A16", true);
        double opt4 = quantizeAndScore("W4A16", false);
        double opt2 = quantizeAndScore("W2A16", false);
        System.out.printf("tiny-qwen3-12m held-out ppl: W4A16 RTN %.4f opt-RTN %.4f, W2A16 RTN %.4f opt-RTN %.4f%n",
                w4, opt4, w2, opt2);
        assertEquals(55.05, w4, 0.1, "reference pure-RTN W4A16");
        assertEquals(74.76, w2, 0.5, "reference pure-RTN W2A16");
        assertTrue(w2 > w4, "2 bits lose more than 4");
        assertTrue(opt4 < w4 - 0.1, "optimized RTN W4A16 " + opt4 + " must beat pure RTN " + w4);
        assertTrue(opt2 < w2 - 3, "optimized RTN W2A16 " + opt2 + " must beat pure RTN " + w2);
        assertTrue(opt4 > 54.5429, "no quantization beats the fp32 model's 54.5429 here");
    }
}
