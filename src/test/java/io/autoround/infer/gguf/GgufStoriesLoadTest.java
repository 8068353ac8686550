package io.autoround.infer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.autoround.eval.Perplexity;
import io.autoround.export.Dequantizer;
import io.autoround.export.gguf.GgufArchitecture;
import io.autoround.export.gguf.GgufReader;
import io.autoround.export.gguf.GgufTensorInfo;
import io.autoround.export.gguf.GgufValue;
import io.autoround.export.gguf.GgufWriter;
import io.autoround.export.gguf.RopeRowPermutation;
import io.autoround.infer.QuantizedModel;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K (llama: Q/K rows permuted in the file, tied Q8_0 embedding, BF16 down_proj, SentencePiece vocabulary)
 * through {@code gguf:q8_0} and back.
 */
class GgufStoriesLoadTest {
    private static final Path MODEL = SharedData.model("stories260k-hf");

    @TempDir
    static Path tmp;

    static GgufExports export;

    @BeforeAll
    static void exportQ8_0() {
        export = GgufExports.export(MODEL, "gguf:q8_0", tmp.resolve("q8"));
    }

    @Test
    void qkRowsComeBackInHuggingFaceOrderExactly() throws Exception {
        try (GgufReader r = GgufReader.open(export.file()); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            ModelConfig c = GgufModelConfig.read(r, export.file());
            assertEquals(ModelConfig.load(MODEL).numKeyValueHeads(), c.numKeyValueHeads());
            assertTrue(c.tieWordEmbeddings());
            GgufTensorSource loaded = new GgufTensorSource(r, GgufArchitecture.ofGgufName("llama", export.file()), c,
                    export.file());
            int checked = 0;
            for (String name : new String[] {"model.layers.0.self_attn.q_proj.weight", "model.layers.4.self_attn.k_proj.weight"}) {
                QuantizedWeight w = export.weights().get(name);
                float[] got = loaded.readFloats(name);
                // exact: the run's codes and scales in Hugging Face row order
                assertArrayEquals(Dequantizer.dequantize(w), got, name);
                // the file itself holds them permuted: its raw dequantized rows differ
                assertNotEquals(java.util.Arrays.toString(got),
                        java.util.Arrays.toString(r.dequantize(loaded.ggufTensor(name))), name);
                GgufQwen3LoadTest.assertWithinSteps(src.readFloats(name), got, 1.01, name);
                checked++;
            }
            assertEquals(2, checked);
        }
        GgufQwen3LoadTest.referenceFolder(MODEL, export, tmp.resolve("reference"), 1.01);
        long[] ids = {1, 403, 407, 261, 378, 306, 415, 268, 300, 431, 311, 365};
        try (DecoderModel ref = DecoderModel.load(tmp.resolve("reference"));
                DecoderModel gguf = GgufModelLoader.load(export.file(), Device.cpu());
                DecoderModel viaApi = io.autoround.api.ModelLoader.load(export.file().getParent())) {
            float[] want = GgufExports.logits(ref, ids);
            float[] got = GgufExports.logits(gguf, ids);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, "logit " + i);
            }
            assertArrayEquals(got, GgufExports.logits(viaApi, ids));
        }
    }

    @Test
    void inversePermutationRestoresRowsExactly() {
        Random rnd = new Random(7);
        float[] x = new float[48 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int[] source = RopeRowPermutation.sourceRows(48, 4);
        int[] inverse = RopeRowPermutation.inverse(source);
        assertNotEquals(java.util.Arrays.toString(source), java.util.Arrays.toString(inverse));
        float[] permuted = RopeRowPermutation.apply(x, 3, source);
        assertNotEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(permuted));
        assertArrayEquals(x, RopeRowPermutation.apply(permuted, 3, inverse));
        // head 0 of 12 rows: rows 0..5 (first half) and 6..11 interleave as 0,6,1,7,...
        assertArrayEquals(new int[] {0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}, java.util.Arrays.copyOf(source, 12));
    }

    @Test
    void sentencePieceTokenizerIsRebuiltAsTransformersConvertsIt() throws Exception {
        Path dir = tmp.resolve("rebuilt-tokenizer");
        Files.createDirectories(dir);
        try (GgufReader r = GgufReader.open(export.file())) {
            GgufTokenizerFiles.write(r, dir);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode want = json.readTree(MODEL.resolve("tokenizer.json").toFile());
        com.fasterxml.jackson.databind.JsonNode got = json.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals(165, got.at("/model/merges").size());
        assertEquals(want.at("/model/merges"), got.at("/model/merges"));
        assertEquals(want.at("/model/vocab"), got.at("/model/vocab"));
        assertEquals(want.get("normalizer"), got.get("normalizer"));
        assertEquals(want.get("decoder"), got.get("decoder"));

        String text = Files.readString(SharedData.text("tinystories_valid_sample.txt")).substring(0, 6000);
        Perplexity.Options o = Perplexity.Options.of(128);
        double fp;
        long[] ids;
        try (DecoderModel m = DecoderModel.load(MODEL); TextTokenizer tok = TextTokenizer.load(MODEL)) {
            ids = tok.encode(text);
            fp = Perplexity.evaluate(m, ids, o).perplexity();
        }
        try (QuantizedModel q = QuantizedModel.load(export.file(), Device.cpu(), "auto", (Path) null)) {
            assertArrayEquals(ids, q.tokenizer().encode(text)); // BOS included, as add_bos_token says
            assertEquals(1L, ids[0]);
            assertEquals(text.substring(0, 200), q.tokenizer().decode(java.util.Arrays.copyOfRange(ids, 1, ids.length))
                    .substring(0, 200));
            double ppl = Perplexity.evaluate(q.model(), q.tokenizer(), text, o).perplexity();
            System.out.printf("stories260K perplexity on 6000 chars: fp %.4f, gguf q8_0 %.4f%n", fp, ppl);
            assertTrue(Math.abs(ppl / fp - 1) < 0.005, "q8_0 perplexity " + ppl + " vs fp " + fp);
        }
        // --tokenizer wins over the embedded vocabulary
        try (QuantizedModel q = QuantizedModel.load(export.file(), Device.cpu(), "auto", MODEL);
                TextTokenizer tok = TextTokenizer.load(MODEL)) {
            assertArrayEquals(tok.encode("Once upon a time"), q.tokenizer().encode("Once upon a time"));
        }
    }

    @Test
    void missingTensorAndOtherBackendsFailNamingTheFile() throws Exception {
        Path cut = tmp.resolve("cut/model.gguf");
        try (GgufReader r = GgufReader.open(export.file()); GgufWriter w = new GgufWriter(cut)) {
            for (Map.Entry<String, GgufValue> e : r.metadata().entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
            for (GgufTensorInfo t : r.tensors()) {
                if (!t.name().equals("blk.2.attn_k.weight")) {
                    long[] shape = GgufTensorInfo.ggmlDims(t.dims()); // reversing twice gives the row-major shape
                    w.addTensor(t.name(), shape, t.type(), r.bytes(t));
                }
            }
            w.finish();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgufModelLoader.load(cut, Device.cpu()));
        assertTrue(e.getMessage().contains("model.layers.2.self_attn.k_proj.weight") && e.getMessage().contains(cut.toString()),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> QuantizedModel.load(export.file(), Device.cpu(), "packed-cpu", (Path) null));
        assertTrue(e.getMessage().contains("packed-cpu") && e.getMessage().contains("dequant-fp32"), e.getMessage());
        Path two = tmp.resolve("two");
        Files.createDirectories(two);
        Files.copy(export.file(), two.resolve("a.gguf"));
        Files.copy(export.file(), two.resolve("b.gguf"));
        e = assertThrows(IllegalArgumentException.class, () -> QuantizedModel.load(two, Device.cpu(), "auto", (Path) null));
        assertTrue(e.getMessage().contains("2 GGUF files"), e.getMessage());
        assertTrue(e.getMessage().contains("a.gguf, b.gguf"), e.getMessage());
    }
}
