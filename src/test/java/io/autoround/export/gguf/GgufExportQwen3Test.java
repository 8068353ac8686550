package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.QuantizedModel;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format gguf:q4_0 --iters 0} on the real tiny Qwen3: the file dequantizes to exactly the in-memory
 * quantized weights, and carries llama.cpp's metadata, vocabulary and tensor names.
 */
class GgufExportQwen3Test {
    private static final Path MODEL = SharedData.model("tiny-qwen3-12m");

    @TempDir
    Path tmp;

    private QuantizeOptions options(String format) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = MODEL.toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.formats = List.of(format);
        o.outputDir = tmp.resolve("out").toString();
        return o;
    }

    @Test
    void q4_0FileHoldsTheQuantizedWeightsExactly() {
        QuantizeOptions o = options("gguf:q4_0");
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        assertEquals("GGUF:Q4_0", q.plan().presetName());
        QuantizationReport report = ar.save(q, tmp.resolve("out"), List.of("gguf:q4_0"), true);
        Path file = tmp.resolve("out/tiny-qwen3-12m-gguf/tiny-qwen3-12m-Q4_0.gguf");
        assertEquals(List.of(file), report.outputs());
        assertTrue(Files.isRegularFile(file));

        try (GgufReader r = GgufReader.open(file); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            Map<String, GgufValue> m = r.metadata();
            assertEquals("qwen3", m.get("general.architecture").asString());
            assertEquals(6L, m.get("qwen3.block_count").asLong());
            assertEquals(384L, m.get("qwen3.embedding_length").asLong());
            assertEquals(1024L, m.get("qwen3.feed_forward_length").asLong());
            assertEquals(6L, m.get("qwen3.attention.head_count").asLong());
            assertEquals(2L, m.get("qwen3.attention.head_count_kv").asLong());
            assertEquals(64L, m.get("qwen3.attention.key_length").asLong());
            assertEquals(2048L, m.get("qwen3.context_length").asLong());
            assertEquals(1_000_000f, (Float) m.get("qwen3.rope.freq_base").value());
            assertEquals(1e-6f, (Float) m.get("qwen3.attention.layer_norm_rms_epsilon").value());
            assertEquals(2L, m.get("general.file_type").asLong());
            assertEquals(2L, m.get("general.quantization_version").asLong());
            assertEquals("gpt2", m.get("tokenizer.ggml.model").asString());
            assertEquals("gpt-2", m.get("tokenizer.ggml.pre").asString()); // its tokenizer.json splits with GPT-2's regex
            assertEquals(8192, m.get("tokenizer.ggml.tokens").asList().size());
            assertEquals(8192, m.get("tokenizer.ggml.token_type").asList().size());
            assertEquals(7933, m.get("tokenizer.ggml.merges").asList().size());
            assertEquals("<|endoftext|>", m.get("tokenizer.ggml.tokens").asList().get(0));
            assertEquals(3L, m.get("tokenizer.ggml.token_type").asList().get(0)); // special added token: CONTROL
            assertEquals(0L, m.get("tokenizer.ggml.eos_token_id").asLong());
            assertEquals(0L, m.get("tokenizer.ggml.padding_token_id").asLong());

            // Every source tensor is present once under its GGUF name; norms F32, tied embedding Q8_0.
            assertEquals(src.tensors().size(), r.tensors().size());
            assertEquals(GgmlType.F32, r.tensor("blk.0.attn_q_norm.weight").type());
            assertEquals(GgmlType.F32, r.tensor("output_norm.weight").type());
            GgufTensorInfo emb = r.tensor("token_embd.weight");
            assertEquals(GgmlType.Q8_0, emb.type());
            assertArrayEquals(new long[] {384, 8192}, emb.dims());
            float[] norm = src.readFloats("model.layers.3.input_layernorm.weight");
            assertArrayEquals(norm, r.dequantize(r.tensor("blk.3.attn_norm.weight")));

            assertEquals(42, q.weights().size());
            for (QuantizedWeight w : q.weights()) {
                GgufTensorInfo t = r.tensor(new GgufArchitecture("qwen3", false).tensorName(w.name() + ".weight"));
                assertEquals(GgmlType.Q4_0, t.type(), w.name());
                assertArrayEquals(new long[] {w.cols(), w.rows()}, t.dims(), w.name());
                float[] expected = new float[w.codes().length];
                int groups = w.groupsPerRow();
                for (int i = 0; i < expected.length; i++) {
                    int g = (i / w.cols()) * groups + (i % w.cols()) / 32;
                    expected[i] = (w.codes()[i] - w.zeros()[g]) * w.scales()[g];
                }
                assertArrayEquals(expected, r.dequantize(t), w.name());
            }
            // The tied embedding is RTN'd to Q8_0 at pack time: the same blocks as quantizing the source directly,
            // and within one step of it (full-range symmetric codes clamp the positive extreme at 127).
            float[] e = src.readFloats("model.embed_tokens.weight");
            float[] de = r.dequantize(emb);
            QuantizedWeight direct = GgufLayerPacker.quantize("e", e, 8192, 384, GgmlType.Q8_0);
            assertArrayEquals(GgufLayerPacker.pack(direct, GgmlType.Q8_0, null), r.bytes(emb));
            float[] d = GgmlBlockCodec.unpackScales(GgmlType.Q8_0, r.bytes(emb), de.length)[0];
            double err = 0;
            for (int i = 0; i < e.length; i++) {
                float step = Math.abs(d[i / 32]);
                assertTrue(Math.abs(e[i] - de[i]) <= step * 1.001f + 1e-7f, "embedding element " + i);
                err += step == 0 ? 0 : Math.abs(e[i] - de[i]) / step;
            }
            assertTrue(err / e.length < 0.3, "mean error " + err / e.length + " steps");
        }
    }

    @Test
    void q5_1FileHoldsFloatMinimumsAndMatchesTheFakeQuantizedWeights() {
        QuantizeOptions o = options("gguf:q5_1");
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        assertEquals("GGUF:Q5_1", q.plan().presetName());
        ar.save(q, tmp.resolve("out"), List.of("gguf:q5_1"), true);
        Path file = tmp.resolve("out/tiny-qwen3-12m-gguf/tiny-qwen3-12m-Q5_1.gguf");
        try (GgufReader r = GgufReader.open(file); SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            assertEquals(9L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : q.weights()) {
                GgufTensorInfo t = r.tensor(new GgufArchitecture("qwen3", false).tensorName(w.name() + ".weight"));
                assertEquals(GgmlType.Q5_1, t.type(), w.name());
                float[] expected = new float[w.codes().length];
                for (int i = 0; i < expected.length; i++) {
                    int g = (i / w.cols()) * w.groupsPerRow() + (i % w.cols()) / 32;
                    expected[i] = w.codes()[i] * w.scales()[g] + w.mins()[g];
                }
                float[] got = r.dequantize(t);
                assertArrayEquals(expected, got, w.name());
                // Within half a step of the bf16 source, except where the fp16 scale/min rounding clamps.
                float[] x = src.readFloats(w.name() + ".weight");
                int far = 0;
                for (int i = 0; i < x.length; i++) {
                    int g = (i / w.cols()) * w.groupsPerRow() + (i % w.cols()) / 32;
                    if (Math.abs(x[i] - got[i]) > 0.5f * w.scales()[g] * 1.01f + 1e-6f) {
                        far++;
                    }
                }
                assertTrue(far <= x.length / 1000, w.name() + ": " + far + " elements beyond half a step");
            }
        }
    }

    @Test
    void kQuantsAndUnsupportedInputsFailBeforeWork() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> new AutoRound(options("gguf:q2_k_mixed"),
                new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        assertTrue(e.getMessage().contains("gguf:q2_k_mixed") && e.getMessage().contains("not implemented yet"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));

        QuantizeOptions mixed = options("gguf:q8_0");
        mixed.formats = List.of("gguf:q8_0", "auto_round");
        e = assertThrows(IllegalArgumentException.class,
                () -> new AutoRound(mixed, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        assertTrue(e.getMessage().contains("cannot be combined"), e.getMessage());

        QuantizeOptions clash = options("gguf:q8_0");
        clash.scheme = "GGUF:Q4_0";
        e = assertThrows(IllegalArgumentException.class,
                () -> new AutoRound(clash, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        assertTrue(e.getMessage().contains("GGUF:Q8_0"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void unsupportedArchitectureIsRefusedByName() throws Exception {
        Path moe = tmp.resolve("moe");
        Files.createDirectories(moe);
        Files.writeString(moe.resolve("config.json"), Files.readString(MODEL.resolve("config.json"))
                .replace("\"model_type\": \"qwen3\"", "\"model_type\": \"qwen3_moe\", \"num_experts\": 4, "
                        + "\"num_experts_per_tok\": 2, \"moe_intermediate_size\": 256"));
        io.autoround.model.config.ModelConfig c = io.autoround.model.config.ModelConfig.load(moe);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> GgufArchitecture.of(c));
        assertTrue(e.getMessage().contains("qwen3_moe") && e.getMessage().contains("not implemented yet"), e.getMessage());
        assertTrue(e.getMessage().contains("llama, mistral, qwen2, qwen3"), e.getMessage());
    }
}
