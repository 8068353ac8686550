package io.autoround.infer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.autoround.eval.Perplexity;
import io.autoround.export.Dequantizer;
import io.autoround.export.gguf.GgufArchitecture;
import io.autoround.export.gguf.GgufReader;
import io.autoround.infer.QuantizedModel;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiny-qwen3-12m exported to {@code gguf:q8_0} and {@code gguf:q4_0} and loaded back: config, every tensor, logits,
 * the rebuilt tokenizer and perplexity against the fp model.
 */
class GgufQwen3LoadTest {
    private static final Path MODEL = SharedData.model("tiny-qwen3-12m");
    private static final Perplexity.Options PPL = Perplexity.Options.of(128);

    @TempDir
    static Path tmp;

    static String text;
    static long[] textIds;
    static double fpPerplexity;

    @BeforeAll
    static void fpReference() throws Exception {
        text = Files.readString(MODEL.resolve("heldout.txt")).substring(0, 6000);
        try (TextTokenizer tok = TextTokenizer.load(MODEL); DecoderModel fp = DecoderModel.load(MODEL)) {
            textIds = tok.encode(text);
            fpPerplexity = Perplexity.evaluate(fp, textIds, PPL).perplexity();
        }
    }

    @Test
    void q8_0LoadsTheExactDequantizedWeightsAndMatchesTheFpModel() throws Exception {
        GgufExports e = GgufExports.export(MODEL, "gguf:q8_0", tmp.resolve("q8"));
        ModelConfig src = ModelConfig.load(MODEL);
        ModelConfig c = GgufModelLoader.config(e.file());
        assertEquals(List.of("qwen3", 384, 1024, 6, 6, 2, 64, 1e-6, 8192, 2048, true, false, 1_000_000.0),
                List.of(c.modelType(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                        c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.vocabSize(), c.maxPositionEmbeddings(),
                        c.tieWordEmbeddings(), c.attentionBias(), c.rope().theta()));
        assertEquals(List.of(src.hiddenSize(), src.rmsNormEps(), src.rope().theta(), src.tieWordEmbeddings()),
                List.of(c.hiddenSize(), c.rmsNormEps(), c.rope().theta(), c.tieWordEmbeddings()));

        // full-range symmetric codes (scale absmax / 128) clamp the positive extreme: at most one step away
        Path reference = referenceFolder(MODEL, e, tmp.resolve("q8-reference"), 1.01);
        // The loaded model equals a model built from the same fp32 weights in Hugging Face layout.
        long[] ids = java.util.Arrays.copyOf(textIds, 24);
        try (QuantizedModel q = QuantizedModel.load(e.file().getParent(), Device.cpu(), "auto", (Path) null);
                DecoderModel ref = DecoderModel.load(reference)) {
            assertTrue(q.isGguf());
            float[] got = GgufExports.logits(q.model(), ids);
            float[] want = GgufExports.logits(ref, ids);
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, "logit " + i);
            }
            // The tokenizer rebuilt from the GGUF vocabulary gives the original tokenizer's ids.
            assertArrayEquals(textIds, q.tokenizer().encode(text));
            double ppl = Perplexity.evaluate(q.model(), q.tokenizer(), text, PPL).perplexity();
            System.out.printf("tiny-qwen3 perplexity on 6000 chars: fp %.4f, gguf q8_0 %.4f%n", fpPerplexity, ppl);
            assertTrue(Math.abs(ppl / fpPerplexity - 1) < 0.005, "q8_0 perplexity " + ppl + " vs fp " + fpPerplexity);
        }
    }

    @Test
    void q4_0LoadsTheExactDequantizedWeightsAndStaysNearTheFpModel() throws Exception {
        GgufExports e = GgufExports.export(MODEL, "gguf:q4_0", tmp.resolve("q4"));
        referenceFolder(MODEL, e, tmp.resolve("q4-reference"), Double.NaN);
        try (QuantizedModel q = QuantizedModel.load(e.file(), Device.cpu(), "dequant-fp32", (Path) null)) {
            double ppl = Perplexity.evaluate(q.model(), q.tokenizer(), text, PPL).perplexity();
            System.out.printf("tiny-qwen3 perplexity on 6000 chars: fp %.4f, gguf q4_0 %.4f%n", fpPerplexity, ppl);
            assertTrue(ppl > fpPerplexity && ppl < fpPerplexity * 1.15, "q4_0 perplexity " + ppl + " vs fp " + fpPerplexity);
        }
        Path textFile = tmp.resolve("slice.txt");
        Files.writeString(textFile, text.substring(0, 1500));
        String eval = runCli("eval", e.file().toString(), "--eval_text", textFile.toString(), "--seqlen", "128");
        assertTrue(eval.contains("(GGUF, dequantized fp32") && eval.contains("perplexity "), eval);
        String generated = runCli("generate", "--model", e.file().getParent().toString(), "--prompt", "The",
                "--max_new_tokens", "4");
        assertTrue(generated.startsWith("The") && generated.strip().length() > 3, generated);
    }

    private static String runCli(String... args) {
        return io.autoround.testutil.CliRun.succeed(args);
    }

    /**
     * Checks every tensor the GGUF source serves against an independent reference (quantized Linears: the run's
     * codes and scales dequantized; 1-D tensors: the source exactly; the Q8_0 embedding: within {@code embedSteps}
     * of the source per 32-block, unless NaN; other matrices: the GGUF blocks as stored) and writes the reference as
     * an fp32 Hugging Face folder with the model's config.json.
     */
    static Path referenceFolder(Path model, GgufExports e, Path dir, double embedSteps) throws Exception {
        List<TensorData> tensors = new ArrayList<>();
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(model); GgufReader r = GgufReader.open(e.file())) {
            ModelConfig c = GgufModelConfig.read(r, e.file());
            GgufTensorSource loaded = new GgufTensorSource(r, GgufArchitecture.ofGgufName(c.modelType(), e.file()), c,
                    e.file());
            assertEquals(src.tensors().size(), loaded.tensors().size());
            for (TensorInfo t : src.tensors()) {
                QuantizedWeight w = e.weights().get(t.name());
                float[] source = src.readFloats(t.name());
                float[] expected;
                if (w != null) {
                    expected = Dequantizer.dequantize(w);
                } else if (t.shape().length == 1) {
                    expected = source;
                } else if (!t.name().equals("model.embed_tokens.weight")) {
                    assertTrue(!t.name().contains("q_proj") && !t.name().contains("k_proj"), t.name()); // 16-bit Linears
                    expected = r.dequantize(r.tensor(GgufArchitecture.ofGgufName(c.modelType(), e.file())
                            .tensorName(t.name())));
                } else {
                    expected = r.dequantize(r.tensor("token_embd.weight"));
                    if (!Double.isNaN(embedSteps)) {
                        assertWithinSteps(source, expected, embedSteps, t.name());
                    }
                }
                assertArrayEquals(t.shape(), loaded.info(t.name()).shape(), t.name());
                assertArrayEquals(expected, loaded.readFloats(t.name()), t.name());
                tensors.add(TensorData.ofFloats(t.name(), t.shape(), expected, DType.F32));
            }
        }
        Files.createDirectories(dir);
        Files.copy(model.resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), null, tensors);
        return dir;
    }

    /** Each element within {@code steps} of its 32-block's Q8_0 step (absmax / 127) of the source. */
    static void assertWithinSteps(float[] source, float[] got, double steps, String name) {
        for (int b = 0; b < source.length / 32; b++) {
            float amax = 0;
            for (int i = b * 32; i < b * 32 + 32; i++) {
                amax = Math.max(amax, Math.abs(source[i]));
            }
            for (int i = b * 32; i < b * 32 + 32; i++) {
                assertTrue(Math.abs(source[i] - got[i]) <= steps * amax / 127 + 1e-7, name + " element " + i);
            }
        }
    }
}
