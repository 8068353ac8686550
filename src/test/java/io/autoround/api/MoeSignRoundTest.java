package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SignRound through the whole pipeline on the tiny MoE parity models (4 experts, top-2, hidden 128, 2 blocks):
 * every expert projection and attention Linear is tuned and exported, routers stay full precision
 * (reference-spec 8.2), each block's tuned loss beats its RTN loss, and the export loads back into a model whose
 * logits stay close to the fp model's on the transformers golden input.
 */
class MoeSignRoundTest {
    @TempDir
    Path tmp;

    /** The parity folders hold no tokenizer; stories260K's has the same 512-token vocabulary. */
    private Path modelWithTokenizer(String arch) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(arch));
        Path src = SharedData.golden("parity/" + arch);
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Path tok = SharedData.model("stories260k-hf");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(tok.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @ParameterizedTest
    @CsvSource({"qwen3_moe, mlp, gate_proj, up_proj, down_proj", "mixtral, block_sparse_moe, w1, w3, w2"})
    void everyExpertIsTunedAndTheExportReadsBack(String arch, String moe, String gate, String up, String down)
            throws Exception {
        Path model = modelWithTokenizer(arch);
        QuantizeOptions o = new QuantizeOptions();
        o.model = model.toString();
        o.scheme = "W4A16"; // group 128: every K here (128, and mixtral's w2 at 384) is a multiple
        o.iters = 20;
        o.nsamples = 8;
        o.seqlen = 32;
        o.batchSize = 8;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.outputDir = tmp.resolve("out-" + arch).toString();
        o.enableDeterministicAlgorithms = true; // strict: an op without a deterministic kernel in the MoE path throws
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();

        assertEquals(Algorithm.SIGN_ROUND, r.algorithm());
        Set<String> expected = new TreeSet<>();
        for (int b = 0; b < 2; b++) {
            String p = "model.layers." + b + ".";
            for (String a : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                expected.add(p + "self_attn." + a);
            }
            for (int e = 0; e < 4; e++) {
                for (String l : List.of(gate, up, down)) {
                    expected.add(p + moe + ".experts." + e + "." + l);
                }
            }
        }
        assertEquals(expected.size(), r.quantizedLayers(), "4 attention + 4 x 3 expert Linears per block, routers kept");
        List<BlockReport> blocks = new ArrayList<>(r.blocks());
        assertEquals(List.of("model.layers.0", "model.layers.1"), blocks.stream().map(BlockReport::name).toList());
        for (BlockReport b : blocks) {
            System.out.printf("%s %s: RTN loss %.6g -> tuned %.6g%n", arch, b.name(), b.rtnLoss(), b.tunedLoss());
            assertEquals(16, b.layers(), b.name());
            assertTrue(b.tunedLoss() < b.rtnLoss(), b.name() + ": tuned " + b.tunedLoss() + " vs RTN " + b.rtnLoss());
        }

        Path out = r.outputs().get(0);
        try (QuantizedCheckpoint q = QuantizedCheckpointReader.read(out);
                SafetensorsCheckpoint fp = SafetensorsCheckpoint.open(model)) {
            assertEquals(expected, new TreeSet<>(q.weights().keySet()));
            for (int b = 0; b < 2; b++) {
                String router = "model.layers." + b + "." + moe + ".gate.weight";
                assertTrue(q.rawTensorNames().contains(router), router + " stays full precision");
                assertArrayEquals(fp.readFloats(router), q.tensors().readFloats(router), router + " is copied unchanged");
            }
            for (QuantizedWeight w : q.weights().values()) {
                assertEquals(4, w.scheme().bits(), w.name());
                assertEquals(128, w.groupWidth(), w.name());
                float[] deq = q.dequantize(w.name());
                float[] orig = fp.readFloats(w.name() + ".weight");
                assertEquals(orig.length, deq.length, w.name());
                double err = 0;
                double norm = 0;
                for (int i = 0; i < deq.length; i++) {
                    err += (deq[i] - orig[i]) * (double) (deq[i] - orig[i]);
                    norm += orig[i] * (double) orig[i];
                }
                // 4-bit symmetric codes: relative error of a few percent, far from a wrong layout (~100%)
                assertTrue(err / norm < 0.02, w.name() + ": relative squared error " + err / norm);
            }
        }

        long[] ids;
        float[] golden;
        try (SafetensorsCheckpoint g = SafetensorsCheckpoint.open(SharedData.golden("parity/" + arch + "/golden_logits.safetensors"))) {
            ids = g.readLongs("input_ids");
            golden = g.readFloats("logits");
        }
        try (DecoderModel loaded = ModelLoader.load(out); NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] got = loaded.logits(m.create(ids), null).toFloatArray();
            double err = 0;
            double norm = 0;
            for (int i = 0; i < got.length; i++) {
                err += (got[i] - golden[i]) * (double) (got[i] - golden[i]);
                norm += golden[i] * (double) golden[i];
            }
            System.out.printf("%s: quantized logits relative error %.4g%n", arch, Math.sqrt(err / norm));
            assertFalse(err == 0, "quantization changes the logits");
            // random weights: 4-bit error flips some top-2 routing choices, hence a loose bound (a broken load is ~1)
            assertTrue(Math.sqrt(err / norm) < 0.35, arch + ": quantized logits relative error " + Math.sqrt(err / norm));
        }
    }
}
