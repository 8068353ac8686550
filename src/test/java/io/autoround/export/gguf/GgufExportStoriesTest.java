package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.QuantizedModel;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stories260K (llama, SentencePiece, tied, hidden 172) through {@code gguf:q4_0}. */
class GgufExportStoriesTest {
    private static final Path MODEL = SharedData.model("stories260k-hf");

    @TempDir
    Path tmp;

    @Test
    void llamaVocabularyPermutedQkAndBf16Fallback() {
        QuantizeOptions o = new QuantizeOptions();
        o.model = MODEL.toString();
        o.iters = 0;
        o.formats = List.of("gguf:q4_0");
        o.outputDir = tmp.resolve("out").toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        assertEquals(30, q.weights().size()); // 7 Linears x 5 blocks, minus the 5 down_proj of width 172
        ar.save(q, tmp.resolve("out"), List.of("gguf:q4_0"), true);
        Path file = tmp.resolve("out/stories260k-hf-gguf/stories260k-hf-Q4_0.gguf");
        try (GgufReader r = GgufReader.open(file); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            Map<String, GgufValue> m = r.metadata();
            assertEquals("llama", m.get("general.architecture").asString());
            assertEquals(5L, m.get("llama.block_count").asLong());
            assertEquals(64L, m.get("llama.embedding_length").asLong());
            assertEquals(172L, m.get("llama.feed_forward_length").asLong());
            assertEquals(8L, m.get("llama.attention.head_count").asLong());
            assertEquals(4L, m.get("llama.attention.head_count_kv").asLong());
            assertEquals(8L, m.get("llama.rope.dimension_count").asLong());
            assertEquals(10000f, (Float) m.get("llama.rope.freq_base").value());
            assertEquals(1e-5f, (Float) m.get("llama.attention.layer_norm_rms_epsilon").value());
            assertEquals(2L, m.get("general.file_type").asLong());
            assertEquals("llama", m.get("tokenizer.ggml.model").asString());
            List<?> tokens = m.get("tokenizer.ggml.tokens").asList();
            assertEquals(512, tokens.size());
            assertEquals(List.of("<unk>", "<s>", "</s>", "<0x00>"), tokens.subList(0, 4));
            assertEquals(List.of(2L, 3L, 3L, 6L), m.get("tokenizer.ggml.token_type").asList().subList(0, 4));
            assertEquals(512, m.get("tokenizer.ggml.scores").asList().size());
            assertEquals(1L, m.get("tokenizer.ggml.bos_token_id").asLong());
            assertEquals(2L, m.get("tokenizer.ggml.eos_token_id").asLong());
            assertEquals(0L, m.get("tokenizer.ggml.unknown_token_id").asLong());
            assertEquals(true, m.get("tokenizer.ggml.add_bos_token").value());

            GgufTensorInfo down = r.tensor("blk.2.ffn_down.weight");
            assertEquals(GgmlType.BF16, down.type());
            assertArrayEquals(new long[] {172, 64}, down.dims());
            float[] x = src.readFloats("model.layers.2.mlp.down_proj.weight");
            float[] got = r.dequantize(down);
            for (int i = 0; i < x.length; i++) {
                assertEquals(io.autoround.quant.format.HalfFloats.roundToBf16(x[i]), got[i], "down_proj element " + i);
            }
            assertEquals(GgmlType.Q8_0, r.tensor("token_embd.weight").type());
            for (QuantizedWeight w : q.weights()) {
                String gguf = new GgufArchitecture("llama", true).tensorName(w.name() + ".weight");
                int heads = w.name().endsWith("q_proj") ? 8 : w.name().endsWith("k_proj") ? 4 : 0;
                int[] rows = heads == 0 ? null : RopeRowPermutation.sourceRows(w.rows(), heads);
                float[] expected = new float[w.codes().length];
                for (int i = 0; i < expected.length; i++) {
                    int row = rows == null ? i / w.cols() : rows[i / w.cols()];
                    int src_i = row * w.cols() + i % w.cols();
                    int g = row * w.groupsPerRow() + (i % w.cols()) / 32;
                    expected[i] = (w.codes()[src_i] - w.zeros()[g]) * w.scales()[g];
                }
                assertArrayEquals(expected, r.dequantize(r.tensor(gguf)), w.name());
            }
        }
    }
}
