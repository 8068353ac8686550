package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.export.Dequantizer;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INT8 W8A8 (8-bit symmetric per-channel weights, dynamic 8-bit per-token activations) on tiny-qwen3-12m: exported to
 * llm_compressor ({@code int-quantized}, as compressed-tensors' INT8_W8A8 preset) and auto_round, read back bit for
 * bit, and evaluated with the activations quantized per token in the forward.
 */
class IntW8A8Test {
    private static final String Q = "model.layers.0.self_attn.q_proj";

    @TempDir
    Path tmp;

    @Test
    void int8W8A8ExportsAndEvaluatesWithPerTokenActivations() throws Exception {
        assertEquals(ActivationQuant.INT_DYNAMIC, ActivationQuant.of(SchemePresets.get("INT8")));
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.scheme = "INT8";
        o.iters = 0;
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        Path llmc = tmp.resolve("llmc");
        Path arDir = tmp.resolve("ar");
        ar.save(q, llmc, List.of("llm_compressor"), false);
        ar.save(q, arDir, List.of("auto_round"), false);
        for (Path dir : List.of(llmc, arDir)) {
            try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir)) {
                assertEquals(42, ckpt.weights().size());
                for (QuantizedWeight mem : q.weights()) {
                    QuantizedWeight back = ckpt.weights().get(mem.name());
                    assertEquals(mem.scheme(), back.scheme(), dir + " " + mem.name());
                    assertArrayEquals(Dequantizer.dequantize(mem), ckpt.dequantize(mem.name()), mem.name());
                }
            }
        }
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(llmc)) {
            TensorInfo w = c.find(Q + ".weight").orElseThrow();
            assertEquals(DType.I8, w.dtype());
            assertArrayEquals(new long[] {384, 384}, w.shape());
            TensorInfo s = c.find(Q + ".weight_scale").orElseThrow();
            assertArrayEquals(new long[] {384, 1}, s.shape());
            assertTrue(c.find(Q + ".weight_zero_point").isEmpty(), "symmetric: no zero point");
        }
        JsonNode qc = new ObjectMapper().readTree(llmc.resolve("config.json").toFile()).path("quantization_config");
        assertEquals("int-quantized", qc.path("format").asText());
        JsonNode g = qc.path("config_groups").path("group_0");
        assertEquals("int", g.path("weights").path("type").asText());
        assertEquals("channel", g.path("weights").path("strategy").asText());
        assertEquals(false, g.path("weights").path("dynamic").asBoolean(true));
        assertEquals("int", g.path("input_activations").path("type").asText());
        assertEquals("token", g.path("input_activations").path("strategy").asText());
        assertEquals(true, g.path("input_activations").path("dynamic").asBoolean(false));
        assertEquals(8, g.path("input_activations").path("num_bits").asInt());

        String text = Files.readString(SharedData.model("tiny-qwen3-12m").resolve("heldout.txt"));
        Path prefix = tmp.resolve("heldout-prefix.txt");
        Files.writeString(prefix, text.substring(0, 12_000));
        double bf16 = AutoRound.perplexity(SharedData.model("tiny-qwen3-12m"), prefix, 256, null).perplexity();
        double w8a8 = AutoRound.perplexity(llmc, prefix, 256, null).perplexity();
        double w8a8Ar = AutoRound.perplexity(arDir, prefix, 256, null).perplexity();
        System.out.printf("tiny-qwen3-12m held-out prefix ppl: bf16 %.4f, INT8 W8A8 llm_compressor %.4f, auto_round %.4f%n",
                bf16, w8a8, w8a8Ar);
        assertEquals(w8a8, w8a8Ar, 1e-9, "same weights, same per-token activation quantization");
        assertTrue(w8a8 != bf16, "per-token int8 activations change the forward");
        assertTrue(Math.abs(w8a8 - bf16) < 0.01 * bf16, "INT8 W8A8 within 1% of bf16: " + w8a8 + " vs " + bf16);
    }
}
