package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.autoround.api.AutoRound;
import io.autoround.api.ModelLoader;
import io.autoround.api.QuantizeOptions;
import io.autoround.eval.Perplexity;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-qwen3-12m quantized W4A16 (RTN) by this project: perplexity through each backend within 0.05 of the
 * dequantized fp32 model, greedy generations identical across backends, packed CPU weights within 1.3x of the
 * checkpoint's packed bytes, and seeded sampling reproducible.
 */
class TinyQwenW4InferenceTest {
    static final String[] PROMPTS = {"Once upon a time", "The little dog", "Lily wanted to"};

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static long[] evalTokens;

    @BeforeAll
    static void quantize() throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.outputDir = tmp.resolve("w4").toString();
        new AutoRound(o, System.err).quantizeAndSave();
        try (var s = Files.walk(tmp)) {
            checkpoint = s.filter(p -> p.getFileName().toString().equals("config.json")).findFirst().orElseThrow().getParent();
        }
        String text = Files.readString(SharedData.text("tinystories_valid_sample.txt")).substring(0, 3_000);
        try (TextTokenizer tok = TextTokenizer.load(checkpoint)) {
            evalTokens = tok.encode(text);
        }
    }

    @Test
    void perplexityAndGreedyGenerationsAgreeAcrossBackends() {
        Perplexity.Options opts = Perplexity.Options.of(256);
        double reference;
        try (DecoderModel ref = ModelLoader.load(checkpoint)) {
            reference = Perplexity.evaluate(ref, evalTokens, opts).perplexity();
        }
        assertTrue(reference > 1.5 && reference < 100, "implausible W4 perplexity " + reference);
        Map<String, List<long[]>> generations = new HashMap<>();
        for (String backend : BackendRegistry.discover().names()) {
            try (QuantizedModel q = QuantizedModel.load(checkpoint, Device.cpu(), backend)) {
                double ppl = Perplexity.evaluate(q.model(), evalTokens, opts).perplexity();
                assertEquals(reference, ppl, 0.05, backend + " perplexity");
                List<long[]> outs = new ArrayList<>();
                for (String p : PROMPTS) {
                    long[] ids = q.tokenizer().encode(p);
                    List<Long> streamed = new ArrayList<>();
                    long[] out = q.generate(ids, GenerationOptions.greedy(64), streamed::add);
                    assertEquals(ids.length + 64, out.length, backend + " generated length");
                    assertEquals(64, streamed.size());
                    outs.add(out);
                }
                generations.put(backend, outs);
                if (backend.equals(PackedCpuBackend.NAME)) {
                    double ratio = (double) q.quantizedModuleBytes() / q.checkpointQuantizedBytes();
                    System.err.printf("packed-cpu holds %d bytes for %d checkpoint bytes (%.3fx)%n",
                            q.quantizedModuleBytes(), q.checkpointQuantizedBytes(), ratio);
                    assertTrue(ratio <= 1.3 && ratio > 0.5, "packed-cpu memory ratio " + ratio);
                }
            }
        }
        List<long[]> first = generations.get(DequantFp32Backend.NAME);
        for (Map.Entry<String, List<long[]>> e : generations.entrySet()) {
            for (int i = 0; i < PROMPTS.length; i++) {
                assertArrayEquals(first.get(i), e.getValue().get(i), e.getKey() + " greedy output for '" + PROMPTS[i] + "'");
            }
        }
        // a generation that repeats one token would pass the equality check trivially
        assertTrue(java.util.Arrays.stream(first.get(0)).distinct().count() > 10, "degenerate generation");
    }

    @Test
    void seededSamplingIsReproducibleAndStreamsText() {
        try (QuantizedModel q = QuantizedModel.load(checkpoint)) {
            GenerationOptions o = GenerationOptions.sampled(24, 0.8, 0.9, 40, 1234);
            StringBuilder streamed = new StringBuilder();
            String a = q.generate("Once upon a time", o, streamed::append);
            String b = q.generate("Once upon a time", o, s -> { });
            String c = q.generate("Once upon a time", GenerationOptions.sampled(24, 0.8, 0.9, 40, 99), s -> { });
            assertEquals(a, b, "same seed, same text");
            assertEquals(a, streamed.toString(), "streamed pieces concatenate to the text");
            assertTrue(a.length() > 20, "too little text: " + a);
            assertTrue(!a.equals(c), "different seeds gave the same 24 sampled tokens: " + a);
        }
    }

    @Test
    void cliGeneratesEvaluatesAndBenchesOnAForcedBackend() throws Exception {
        String expected;
        try (QuantizedModel q = QuantizedModel.load(checkpoint, Device.cpu(), PackedCpuBackend.NAME)) {
            expected = "Once upon a time" + q.generate("Once upon a time", GenerationOptions.greedy(8), s -> { }) + "\n";
        }
        String out = runCli("generate", "--model", checkpoint.toString(), "--backend", "packed-cpu", "--max_new_tokens", "8");
        assertEquals(expected, out);
        Path text = Files.writeString(tmp.resolve("eval.txt"), Files.readString(SharedData.text("tinystories_valid_sample.txt")).substring(0, 2_000));
        String eval = runCli("eval", "--model", checkpoint.toString(), "--backend", "djl-packed", "--text", text.toString(), "--seqlen", "128");
        assertTrue(eval.contains("perplexity "), eval);
        String bench = runCli("bench", "--model", checkpoint.toString(), "--backend", "packed-cpu", "--prompt_len", "8",
                "--decode_tokens", "2", "--repeats", "1");
        assertTrue(bench.lines().anyMatch(l -> l.startsWith("packed-cpu") && l.contains("5,087,232")), bench);
    }

    private static String runCli(String... args) {
        return io.autoround.testutil.CliRun.succeed(args);
    }
}
