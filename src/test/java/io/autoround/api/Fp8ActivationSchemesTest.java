package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.export.Dequantizer;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * FP8_STATIC and FP8_BLOCK end to end on tiny-qwen3-12m (bf16): calibrated, exported to auto_round and
 * llm_compressor, read back with our loader and dequantized bit for bit against the in-memory weights; configs and
 * tensors as the reference writes them; perplexity from the exported checkpoints (static / dynamic FP8 activations
 * applied in the forward) against bf16 on a prefix of the held-out text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Fp8ActivationSchemesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String Q = "model.layers.0.self_attn.q_proj";

    private Path tmp;
    private Path prefix;
    private double bf16;

    @BeforeAll
    void heldOutPrefix(@TempDir Path dir) throws Exception {
        tmp = dir;
        String text = Files.readString(SharedData.model("tiny-qwen3-12m").resolve("heldout.txt"));
        prefix = tmp.resolve("heldout-prefix.txt");
        Files.writeString(prefix, text.substring(0, 12_000));
        bf16 = AutoRound.perplexity(SharedData.model("tiny-qwen3-12m"), prefix, 256, null).perplexity();
    }

    private AutoRound autoRound(String scheme) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("tiny-qwen3-12m").toString();
        o.scheme = scheme;
        o.iters = 0;
        o.nsamples = 8;
        o.seqlen = 128;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        return new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
    }

    /** Every exported layer dequantizes to exactly what the quantizer produced in memory. */
    private static void assertRoundTrip(QuantizedModel q, Path dir) {
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir)) {
            assertEquals(q.weights().size(), ckpt.weights().size(), dir.toString());
            for (QuantizedWeight mem : q.weights()) {
                QuantizedWeight back = ckpt.weights().get(mem.name());
                assertEquals(mem.scheme(), back.scheme(), mem.name() + ": scheme read back from the config");
                assertArrayEquals(mem.codes(), back.codes(), mem.name());
                assertArrayEquals(mem.scales(), back.scales(), mem.name());
                assertArrayEquals(Dequantizer.dequantize(mem), ckpt.dequantize(mem.name()), mem.name());
            }
        }
    }

    private static JsonNode quantizationConfig(Path dir) throws Exception {
        return JSON.readTree(dir.resolve("config.json").toFile()).path("quantization_config");
    }

    private double perplexity(Path dir) {
        return AutoRound.perplexity(dir, prefix, 256, null).perplexity();
    }

    @Test
    void fp8StaticCalibratesExportsAndEvaluates() throws Exception {
        AutoRound ar = autoRound("FP8_STATIC");
        QuantizedModel q = ar.quantize();
        assertEquals(Algorithm.OPT_RTN, q.plan().algorithm(), "static scales need the calibrated blockwise pass");
        assertEquals(42, q.weights().size());
        Map<String, TensorData> raw = q.tensors().stream().collect(Collectors.toMap(TensorData::name, Function.identity()));
        assertEquals(42, raw.size(), "one input_scale per quantized Linear");
        Path ar1 = tmp.resolve("static-ar");
        Path llmc = tmp.resolve("static-llmc");
        ar.save(q, ar1, List.of("auto_round"), false);
        ar.save(q, llmc, List.of("llm_compressor"), false);
        assertRoundTrip(q, ar1);
        assertRoundTrip(q, llmc);

        // auto_round (export_to_fp8.py): weight F8_E4M3 [N, K], weight_scale [N] and input_scale [1] in bf16
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(ar1)) {
            assertTensor(c, Q + ".weight", DType.F8_E4M3, 384, 384);
            assertTensor(c, Q + ".weight_scale", DType.BF16, 384);
            assertTensor(c, Q + ".input_scale", DType.BF16, 1);
            float sq = c.readFloats(Q + ".input_scale")[0];
            float sk = c.readFloats("model.layers.0.self_attn.k_proj.input_scale")[0];
            float so = c.readFloats("model.layers.0.self_attn.o_proj.input_scale")[0];
            assertTrue(sq > 0 && Float.isFinite(sq), "input_scale " + sq);
            assertEquals(sq, sk, 0f, "q and k see the same input, so the same act_max");
            assertTrue(so != sq, "o_proj sees the attention output, another act_max");
            assertFalse(c.find(Q + ".weight_scale_inv").isPresent());
        }
        JsonNode qc = quantizationConfig(ar1);
        assertEquals("auto-round", qc.path("quant_method").asText());
        assertEquals("auto_round:fp8_static", qc.path("packing_format").asText());
        assertEquals("e4m3", qc.path("fmt").asText());
        assertEquals("static", qc.path("activation_scheme").asText());
        assertEquals(-1, qc.path("group_size").asInt());
        assertEquals("fp", qc.path("data_type").asText());
        assertEquals(8, qc.path("act_bits").asInt());
        assertEquals(0, qc.path("act_group_size").asInt());
        assertFalse(qc.path("act_dynamic").asBoolean(true));
        assertEquals("fp", qc.path("act_data_type").asText());

        // llm_compressor (export_to_static_fp.py): per-channel scale [N, 1], static per-tensor input scale
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(llmc)) {
            assertTensor(c, Q + ".weight", DType.F8_E4M3, 384, 384);
            assertTensor(c, Q + ".weight_scale", DType.BF16, 384, 1);
            assertTensor(c, Q + ".input_scale", DType.BF16, 1);
        }
        JsonNode lc = quantizationConfig(llmc);
        assertEquals("compressed-tensors", lc.path("quant_method").asText());
        assertEquals("float-quantized", lc.path("format").asText());
        assertEquals("compressed", lc.path("quantization_status").asText());
        assertEquals("auto-round", lc.path("provider").asText());
        JsonNode g = lc.path("config_groups").path("group_0");
        assertEquals("[\"Linear\"]", g.path("targets").toString());
        assertArgs(g.path("weights"), "channel", false, null);
        assertArgs(g.path("input_activations"), "tensor", false, null);
        assertTrue(lc.path("ignore").toString().contains("lm_head"), lc.path("ignore").toString());

        double ppl = perplexity(ar1);
        double pplLlmc = perplexity(llmc);
        System.out.printf("tiny-qwen3-12m held-out prefix ppl: bf16 %.4f, FP8_STATIC auto_round %.4f, llm_compressor %.4f%n",
                bf16, ppl, pplLlmc);
        assertEquals(ppl, pplLlmc, 1e-9, "both formats hold the same weights and input scales");
        assertTrue(ppl != bf16, "static FP8 activations change the forward");
        assertTrue(Math.abs(ppl - bf16) < 0.002 * bf16, "FP8_STATIC within 0.2% of bf16: " + ppl + " vs " + bf16);
    }

    @Test
    void fp8BlockQuantizesIn128x128BlocksAndEvaluates() throws Exception {
        AutoRound ar = autoRound("FP8_BLOCK");
        QuantizedModel q = ar.quantize();
        assertEquals(42, q.weights().size());
        assertTrue(q.tensors().isEmpty(), "dynamic activations store no scale");
        Path ar1 = tmp.resolve("block-ar");
        Path llmc = tmp.resolve("block-llmc");
        ar.save(q, ar1, List.of("auto_round"), false);
        ar.save(q, llmc, List.of("llm_compressor"), false);
        assertRoundTrip(q, ar1);
        assertRoundTrip(q, llmc);
        QuantizedWeight up = q.weights().stream().filter(w -> w.name().equals("model.layers.0.mlp.up_proj")).findFirst()
                .orElseThrow();
        assertEquals(8 * 3, up.scales().length, "up_proj [1024, 384]: 8 x 3 blocks of 128 x 128");

        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(ar1)) {
            assertTensor(c, "model.layers.0.mlp.up_proj.weight", DType.F8_E4M3, 1024, 384);
            assertTensor(c, "model.layers.0.mlp.up_proj.weight_scale", DType.BF16, 24); // scale.view(-1)
            assertFalse(c.find(Q + ".input_scale").isPresent());
        }
        JsonNode qc = quantizationConfig(ar1);
        assertEquals("auto_round:fp8_static", qc.path("packing_format").asText());
        assertEquals("dynamic", qc.path("activation_scheme").asText());
        assertEquals("[128,128]", qc.path("group_size").toString());
        assertEquals(128, qc.path("act_group_size").asInt());
        assertTrue(qc.path("act_dynamic").asBoolean(false));

        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(llmc)) {
            assertTensor(c, "model.layers.0.mlp.up_proj.weight_scale", DType.BF16, 8, 3); // compressed-tensors block grid
        }
        JsonNode g = quantizationConfig(llmc).path("config_groups").path("group_0");
        assertEquals("float-quantized", quantizationConfig(llmc).path("format").asText());
        assertArgs(g.path("weights"), "block", false, null);
        assertEquals("[128,128]", g.path("weights").path("block_structure").toString());
        assertArgs(g.path("input_activations"), "group", true, 128);

        double ppl = perplexity(ar1);
        assertEquals(ppl, perplexity(llmc), 1e-9);
        System.out.printf("tiny-qwen3-12m held-out prefix ppl: bf16 %.4f, FP8_BLOCK %.4f%n", bf16, ppl);
        assertTrue(ppl != bf16, "dynamic FP8 activations change the forward");
        assertTrue(Math.abs(ppl - bf16) < 0.002 * bf16, "FP8_BLOCK within 0.2% of bf16: " + ppl + " vs " + bf16);
    }

    private static void assertArgs(JsonNode a, String strategy, boolean dynamic, Integer groupSize) {
        assertEquals(8, a.path("num_bits").asInt(), a.toString());
        assertEquals("float", a.path("type").asText(), a.toString());
        assertTrue(a.path("symmetric").asBoolean(), a.toString());
        assertEquals(strategy, a.path("strategy").asText(), a.toString());
        assertEquals(dynamic, a.path("dynamic").asBoolean(), a.toString());
        if (groupSize == null) {
            assertTrue(a.path("group_size").isNull(), a.toString());
        } else {
            assertEquals(groupSize.intValue(), a.path("group_size").asInt(), a.toString());
        }
    }

    private static void assertTensor(SafetensorsCheckpoint c, String name, DType dtype, long... shape) {
        TensorInfo t = c.find(name).orElseThrow(() -> new AssertionError("missing " + name));
        assertEquals(dtype, t.dtype(), name);
        assertArrayEquals(shape, t.shape(), name);
    }
}
