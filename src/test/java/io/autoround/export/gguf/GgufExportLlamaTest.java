package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.QuantizedModel;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small llama (GQA, untied head, one MLP width not a multiple of 32) through {@code gguf:q8_0}: Q/K rows are
 * permuted to llama.cpp's interleaved RoPE order together with their scales, the odd-width layer stays BF16, and
 * the untied head and embedding are RTN'd to Q8_0 at pack time.
 */
class GgufExportLlamaTest {
    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path dir = tmp.resolve("tiny-llama");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
                 "intermediate_size": 80, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "vocab_size": 8192, "max_position_embeddings": 256,
                 "tie_word_embeddings": false, "torch_dtype": "float32", "bos_token_id": 0, "eos_token_id": 0}
                """);
        Path qwen = SharedData.model("tiny-qwen3-12m");
        Files.copy(qwen.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(qwen.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        Random r = new Random(3);
        List<TensorData> t = new ArrayList<>();
        t.add(rand("model.embed_tokens.weight", r, 8192, 64));
        t.add(rand("lm_head.weight", r, 8192, 64));
        t.add(rand("model.norm.weight", r, 64));
        String p = "model.layers.0.";
        t.add(rand(p + "input_layernorm.weight", r, 64));
        t.add(rand(p + "post_attention_layernorm.weight", r, 64));
        t.add(rand(p + "self_attn.q_proj.weight", r, 64, 64));
        t.add(rand(p + "self_attn.k_proj.weight", r, 32, 64));
        t.add(rand(p + "self_attn.v_proj.weight", r, 32, 64));
        t.add(rand(p + "self_attn.o_proj.weight", r, 64, 64));
        t.add(rand(p + "mlp.gate_proj.weight", r, 80, 64));
        t.add(rand(p + "mlp.up_proj.weight", r, 80, 64));
        t.add(rand(p + "mlp.down_proj.weight", r, 64, 80));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), null, t);
        return dir;
    }

    private static TensorData rand(String name, Random r, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * 0.05f;
        }
        return TensorData.ofFloats(name, shape, v, DType.F32);
    }

    @Test
    void qkRowsArePermutedWithTheirScales() throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = model().toString();
        o.iters = 0;
        o.formats = List.of("gguf:q8_0");
        o.outputDir = tmp.resolve("out").toString();
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        assertFalse(q.weights().stream().anyMatch(w -> w.name().endsWith("down_proj")), "80 columns: kept 16-bit");
        ar.save(q, tmp.resolve("out"), List.of("gguf:q8_0"), true);
        Path file = tmp.resolve("out/tiny-llama-gguf/tiny-llama-Q8_0.gguf");
        try (GgufReader r = GgufReader.open(file)) {
            assertEquals("llama", r.get("general.architecture").orElseThrow().asString());
            assertEquals(7L, r.get("general.file_type").orElseThrow().asLong());
            assertEquals(16L, r.get("llama.rope.dimension_count").orElseThrow().asLong());
            assertEquals(8192L, r.get("llama.vocab_size").orElseThrow().asLong());
            assertEquals("gpt-2", r.get("tokenizer.ggml.pre").orElseThrow().asString()); // the Qwen tokenizer.json: GPT-2 regex
            assertEquals(GgmlType.BF16, r.tensor("blk.0.ffn_down.weight").type());
            assertEquals(GgmlType.Q8_0, r.tensor("output.weight").type());
            assertEquals(GgmlType.Q8_0, r.tensor("token_embd.weight").type());
            for (QuantizedWeight w : q.weights()) {
                String name = w.name().substring(w.name().lastIndexOf('.') + 1);
                int heads = switch (name) {
                    case "q_proj" -> 4;
                    case "k_proj" -> 2;
                    default -> 0;
                };
                float[] expected = new float[w.codes().length];
                for (int i = 0; i < expected.length; i++) {
                    int g = (i / w.cols()) * w.groupsPerRow() + (i % w.cols()) / 32;
                    expected[i] = (w.codes()[i] - w.zeros()[g]) * w.scales()[g];
                }
                if (heads > 0) {
                    // Head h, pair j: row (h, 2j + t) of the file is row (h, t * half + j) of the HF weight.
                    int half = w.rows() / heads / 2;
                    float[] permuted = new float[expected.length];
                    for (int h = 0; h < heads; h++) {
                        for (int j = 0; j < half; j++) {
                            for (int t = 0; t < 2; t++) {
                                System.arraycopy(expected, (h * 2 * half + t * half + j) * w.cols(), permuted,
                                        (h * 2 * half + 2 * j + t) * w.cols(), w.cols());
                            }
                        }
                    }
                    expected = permuted;
                }
                String gguf = new GgufArchitecture("llama", true).tensorName(w.name() + ".weight");
                assertArrayEquals(expected, r.dequantize(r.tensor(gguf)), w.name());
            }
        }
    }
}
