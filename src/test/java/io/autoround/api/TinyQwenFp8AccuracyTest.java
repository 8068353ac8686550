package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-qwen3-12m quantized to FP8 weight-only (FPW8A16) through the full API path (plan, RTN, auto_round export),
 * scored from the exported checkpoint. To stay fast it scores a prefix of the held-out text (about the first 10 windows of
 * 256 tokens) for the unquantized model, FPW8A16 and W4A16 RTN on the same tokens; the whole-file figure (54.6429
 * vs fp32 54.5429) is in docs/benchmarks.md.
 */
class TinyQwenFp8AccuracyTest {
    @TempDir
    Path tmp;

    private Path quantize(String scheme) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.scheme = scheme;
        o.iters = 0;
        o.disableOptRtn = "W4A16".equals(scheme) ? Boolean.TRUE : null;
        o.outputDir = tmp.resolve(scheme).toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.RTN, r.algorithm(), scheme + ": weight-only FP8 at iters 0 is pure RTN, as in the reference");
        assertEquals(42, r.quantizedLayers());
        return r.outputs().get(0);
    }

    @Test
    void fp8WeightOnlyIsNearlyLossless() throws Exception {
        String text = Files.readString(SharedData.model("tiny-qwen3-12m").resolve("heldout.txt"));
        Path prefix = tmp.resolve("heldout-prefix.txt");
        Files.writeString(prefix, text.substring(0, 12_000));
        double fp = AutoRound.perplexity(SharedData.model("tiny-qwen3-12m"), prefix, 256, null).perplexity();
        double fp8 = AutoRound.perplexity(quantize("FPW8A16"), prefix, 256, null).perplexity();
        double w4 = AutoRound.perplexity(quantize("W4A16"), prefix, 256, null).perplexity();
        System.out.printf("tiny-qwen3-12m held-out prefix ppl: bf16 %.4f, FPW8A16 %.4f, W4A16 RTN %.4f%n", fp, fp8, w4);
        assertTrue(Math.abs(fp8 - fp) < 0.005 * fp, "FP8 within 0.5% of the unquantized model: " + fp8 + " vs " + fp);
        assertTrue(Math.abs(fp8 - fp) < 0.5 * Math.abs(w4 - fp), "FP8 loses less than half of W4 RTN's loss: fp "
                + fp + ", fp8 " + fp8 + ", w4 " + w4);
    }
}
