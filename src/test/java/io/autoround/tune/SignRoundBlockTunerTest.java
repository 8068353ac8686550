package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.QuantScheme;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tunes a real one-layer "block" (stories260K's layer-0 q_proj and k_proj on the RMS-normalized embeddings of real
 * TinyStories text) and checks SignRound beats round-to-nearest on the same data.
 */
class SignRoundBlockTunerTest {

    /** Two real Linear layers applied to the same input, outputs concatenated. */
    record TwoLinears(NDArray q, NDArray k) implements TunableBlock {
        @Override
        public List<String> linearNames() {
            return List.of("q", "k");
        }

        @Override
        public NDArray weight(String name) {
            return name.equals("q") ? q : k;
        }

        @Override
        public NDArray forward(NDArray hidden, Map<String, NDArray> weights) {
            NDArray wq = weights.getOrDefault("q", q);
            NDArray wk = weights.getOrDefault("k", k);
            return hidden.matMul(wq.transpose()).concat(hidden.matMul(wk.transpose()), 2);
        }
    }

    @Test
    void tunedLossBeatsRoundToNearestOnRealActivations() throws Exception {
        var model = SharedData.model("stories260k-hf");
        try (NDManager m = NDManager.newBaseManager();
                SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(model);
                HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(model).optAddSpecialTokens(false).optTruncation(false).build()) {
            float[] emb = ckpt.readFloats("model.embed_tokens.weight");
            float[] norm = ckpt.readFloats("model.layers.0.input_layernorm.weight");
            String text = Files.readString(SharedData.text("tinystories_train_sample.txt")).substring(0, 40000);
            long[] ids = tok.encode(text).getIds();
            int n = 16;
            int seq = 64;
            int dim = 64;
            float[] x = new float[n * seq * dim];
            for (int s = 0; s < n; s++) {
                for (int t = 0; t < seq; t++) {
                    int id = (int) ids[s * seq + t];
                    double ss = 0;
                    for (int d = 0; d < dim; d++) ss += emb[id * dim + d] * emb[id * dim + d];
                    float inv = (float) (1 / Math.sqrt(ss / dim + 1e-5));
                    for (int d = 0; d < dim; d++) x[(s * seq + t) * dim + d] = emb[id * dim + d] * inv * norm[d];
                }
            }
            NDArray inputs = m.create(x, new Shape(n, seq, dim));
            NDArray q = m.create(ckpt.readFloats("model.layers.0.self_attn.q_proj.weight"), new Shape(64, 64));
            NDArray k = m.create(ckpt.readFloats("model.layers.0.self_attn.k_proj.weight"), new Shape(32, 64));
            TwoLinears block = new TwoLinears(q, k);
            NDArray targets = block.forward(inputs, Map.of());
            NDArray mask = m.ones(new Shape(n, seq, 1));
            QuantScheme w2 = QuantScheme.weightOnlyInt(2, 32, true);
            SignRoundSettings settings = new SignRoundSettings(60, null, null, 0, 4, 1, true, false, -1, 42);
            int[] calls = {0};
            BlockTuningResult r = new SignRoundBlockTuner(settings)
                    .tune(block, Map.of("q", w2, "k", w2), inputs, targets, mask, it -> calls[0]++);
            assertEquals(60, calls[0]);
            assertEquals(2, r.layers().size());
            assertEquals(64 * 64, r.layers().get("q").offsets().length);
            assertEquals(64 * 2, r.layers().get("q").minScale().length);
            System.out.printf("W2G32 q/k: RTN loss %.6g, tuned %.6g (best iter %d)%n", r.rtnLoss(), r.tunedLoss(), r.bestIteration());
            assertTrue(r.rtnLoss() > 0, "RTN has an error at 2 bits");
            assertTrue(r.tunedLoss() < 0.9 * r.rtnLoss(), "tuned " + r.tunedLoss() + " vs RTN " + r.rtnLoss());
            float maxAbs = 0;
            for (float v : r.layers().get("q").offsets()) maxAbs = Math.max(maxAbs, Math.abs(v));
            assertTrue(maxAbs > 0 && maxAbs <= 60 * (1.0 / 60) + 1e-6, "V moved within the lr budget: " + maxAbs);
        }
    }
}
