package io.autoround.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Random quantized weights written by every exporter and read back must come back identical. */
class ExportRoundTripTest {
    /** Two layers of the source model: [256 x 256] and [256 x 768]. */
    private static final Map<String, int[]> LAYERS = Map.of(
            "model.layers.0.self_attn.q_proj", new int[] {256, 256},
            "model.layers.1.mlp.down_proj", new int[] {256, 768});

    @TempDir
    Path tmp;

    static Stream<Arguments> intCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] schemes = {{2, 1}, {3, 1}, {4, 1}, {8, 1}, {4, 0}, {2, 0}, {8, 0}};
        for (String format : ExporterRegistry.names()) {
            if (format.startsWith("gguf:")) {
                continue; // single-file GGUF with fixed presets: covered by export/gguf tests
            }
            for (int[] bs : schemes) {
                for (int group : new int[] {32, 64, 128, -1}) {
                    if (fits(format, bs[0])) {
                        out.add(Arguments.of(format, bs[0], group, bs[1] == 1));
                    }
                }
            }
        }
        return out.stream();
    }

    /** Which int widths each format stores (the reference's rules). */
    static boolean fits(String format, int bits) {
        return switch (format) {
            case "auto_awq", "auto_round:auto_awq" -> bits == 4;
            case "llm_compressor" -> bits == 4 || bits == 8;
            default -> true;
        };
    }

    @ParameterizedTest(name = "{0} W{1} g{2} sym={3}")
    @MethodSource("intCases")
    void intRoundTrip(String format, int bits, int group, boolean sym) {
        QuantScheme s = QuantScheme.weightOnlyInt(bits, group, sym);
        // the GPTQ v1 convention (stored zero - 1) cannot hold a zero point of 0 (reference-spec 3.3 caveat)
        boolean minusOne = format.equals("auto_gptq") || format.equals("auto_round:auto_gptq")
                || (format.equals("auto_round") && sym);
        int minZero = minusOne ? 1 : 0;
        List<QuantizedWeight> weights = new ArrayList<>();
        long seed = 1000L * bits + group * 7L + (sym ? 1 : 0);
        for (var e : LAYERS.entrySet()) {
            weights.add(RandomWeights.intWeight(e.getKey(), e.getValue()[0], e.getValue()[1], s, seed++, minZero));
        }
        roundTrip(format, s, weights);
    }

    static Stream<Arguments> fpCases() {
        QuantScheme mx4 = new QuantScheme(4, 32, true, "mx_fp", 4, 32, true, "mx_fp", true, null, null);
        QuantScheme mx8 = new QuantScheme(8, 32, true, "mx_fp", 8, 32, true, "mx_fp", true, null, null);
        QuantScheme nv4 = new QuantScheme(4, 16, true, "nv_fp", 4, 16, true, "nv_fp4_with_static_gs", true, null, null);
        List<Arguments> out = new ArrayList<>();
        for (String format : List.of("auto_round", "llm_compressor")) {
            for (QuantScheme s : List.of(mx4, mx8, nv4)) {
                out.add(Arguments.of(format, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fpCases")
    void fpRoundTrip(String format, QuantScheme s) {
        List<QuantizedWeight> weights = new ArrayList<>();
        long seed = 77;
        for (var e : LAYERS.entrySet()) {
            weights.add(RandomWeights.fpWeight(e.getKey(), e.getValue()[0], e.getValue()[1], s, seed++));
        }
        roundTrip(format, s, weights);
    }

    @Test
    void mixedBitsRoundTripThroughExtraConfigAndDynamic() throws Exception {
        QuantScheme w4 = QuantScheme.weightOnlyInt(4, 128, true);
        QuantScheme w8 = QuantScheme.weightOnlyInt(8, 32, true);
        for (String format : List.of("auto_round", "auto_gptq")) {
            Path out = tmp.resolve(format.replace(':', '-') + "-mixed");
            Map<String, QuantScheme> layers = ExportTestSupport.layerSchemes(ExportTestSupport.source(),
                    LAYERS.keySet(), w4);
            layers.put("model.layers.1.mlp.down_proj", w8);
            layers.put("model.layers.0.mlp.up_proj", ExportTestSupport.FULL);
            List<QuantizedWeight> weights = List.of(
                    RandomWeights.intWeight("model.layers.0.self_attn.q_proj", 256, 256, w4, 5, 1),
                    RandomWeights.intWeight("model.layers.1.mlp.down_proj", 256, 768, w8, 6, 1));
            ExportPlan plan = new ExportPlan(ExportTestSupport.source(), out, w4, layers, ExportOptions.rtn());
            ExporterRegistry.get(format).export(plan, weights);
            String qc = Files.readString(out.resolve("quantization_config.json"));
            if (format.equals("auto_round")) {
                assertTrue(qc.contains("\"model.layers.1.mlp.down_proj\": {\n      \"bits\": 8,\n      \"group_size\": 32\n"), qc);
                assertTrue(qc.contains("\"model.layers.0.mlp.up_proj\": {\n      \"bits\": 16,\n      \"data_type\": \"float\"\n"), qc);
            } else {
                assertTrue(qc.contains("\"+:.*model\\\\.layers\\\\.1\\\\.mlp\\\\.down_proj.*\""), qc);
                assertTrue(qc.contains("\"-:.*model\\\\.layers\\\\.0\\\\.mlp\\\\.up_proj.*\": {}"), qc);
            }
            try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
                assertEquals(2, cp.weights().size());
                for (QuantizedWeight w : weights) {
                    assertSame(w, cp.weights().get(w.name()));
                }
            }
        }
    }

    @Test
    void quantizedLmHeadGetsTheOutsideBlockDict() throws Exception {
        QuantScheme w4 = QuantScheme.weightOnlyInt(4, 128, true);
        QuantScheme w8 = QuantScheme.weightOnlyInt(8, 64, false);
        Map<String, QuantScheme> layers = ExportTestSupport.layerSchemes(ExportTestSupport.source(),
                Set.of("model.layers.0.self_attn.q_proj"), w4);
        layers.put("lm_head", w8);
        List<QuantizedWeight> weights = List.of(
                RandomWeights.intWeight("model.layers.0.self_attn.q_proj", 256, 256, w4, 8, 1),
                RandomWeights.intWeight("lm_head", 512, 256, w8, 9, 1)); // zp-1 packing: zero points >= 1
        Path out = tmp.resolve("lmhead");
        ExporterRegistry.get("auto_round").export(
                new ExportPlan(ExportTestSupport.source(), out, w4, layers, ExportOptions.rtn()), weights);
        String qc = Files.readString(out.resolve("quantization_config.json"));
        String lmHead = String.join("\n", "  \"extra_config\": {", "    \"lm_head\": {", "      \"bits\": 8,",
                "      \"data_type\": \"int\",", "      \"group_size\": 64,", "      \"sym\": false,",
                "      \"act_bits\": 16,", "      \"act_data_type\": \"float\",", "      \"act_group_size\": 64,",
                "      \"act_sym\": false", "    },", "    \"model.layers.0.mlp.down_proj\": {", "      \"bits\": 16,",
                "      \"data_type\": \"float\"", "    },");
        assertTrue(qc.contains(lmHead), qc);
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
            assertSame(weights.get(1), cp.weights().get("lm_head"));
            assertSame(weights.get(0), cp.weights().get("model.layers.0.self_attn.q_proj"));
        }
        Path gptq = tmp.resolve("lmhead-gptq");
        ExporterRegistry.get("auto_gptq").export(
                new ExportPlan(ExportTestSupport.source(), gptq, w4, layers, ExportOptions.rtn()), weights);
        assertTrue(Files.readString(gptq.resolve("quantization_config.json")).contains("\"lm_head\": true"));
    }

    @Test
    void nvfp4WithoutInputGlobalScaleIsRefused() throws Exception {
        QuantScheme nv4 = new QuantScheme(4, 16, true, "nv_fp", 4, 16, true, "nv_fp4_with_static_gs", true, null, null);
        List<QuantizedWeight> weights = new ArrayList<>();
        for (var e : LAYERS.entrySet()) {
            weights.add(RandomWeights.fpWeight(e.getKey(), e.getValue()[0], e.getValue()[1], nv4, 1));
        }
        Path out = tmp.resolve("nv");
        ExportPlan plan = new ExportPlan(ExportTestSupport.source(), out, nv4,
                ExportTestSupport.layerSchemes(ExportTestSupport.source(), LAYERS.keySet(), nv4), ExportOptions.rtn());
        ExportException e = org.junit.jupiter.api.Assertions.assertThrows(ExportException.class,
                () -> ExporterRegistry.get("llm_compressor").export(plan, weights));
        assertTrue(e.getMessage().contains("input_global_scale"), e.getMessage());
        assertTrue(Files.notExists(out));
    }

    @Test
    void shardsAndIndexAboveTheShardLimit() {
        QuantScheme s = QuantScheme.weightOnlyInt(4, 128, true);
        List<QuantizedWeight> weights = new ArrayList<>();
        for (var e : LAYERS.entrySet()) {
            weights.add(RandomWeights.intWeight(e.getKey(), e.getValue()[0], e.getValue()[1], s, 3, 0));
        }
        Path out = tmp.resolve("sharded");
        ExportPlan plan = new ExportPlan(ExportTestSupport.source(), out, s,
                ExportTestSupport.layerSchemes(ExportTestSupport.source(), LAYERS.keySet(), s),
                ExportOptions.rtn().withMaxShardBytes(1_000_000));
        ExporterRegistry.get("auto_round").export(plan, weights);
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors.index.json")));
        try (var files = Files.list(out)) {
            List<String> shards = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).sorted().toList();
            assertTrue(shards.size() >= 4, shards.toString()); // 3.7 MB of tensors in 1 MB shards
            assertEquals("model-00001-of-0000" + shards.size() + ".safetensors", shards.get(0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out);
                SafetensorsCheckpoint src = SafetensorsCheckpoint.open(ExportTestSupport.source())) {
            for (QuantizedWeight w : weights) {
                assertSame(w, cp.weights().get(w.name()));
            }
            // unquantized tensors survive byte for byte
            assertArrayEquals(src.readBytes("model.embed_tokens.weight"), cp.tensors().readBytes("model.embed_tokens.weight"));
            assertArrayEquals(src.readBytes("model.layers.0.mlp.up_proj.weight"),
                    cp.tensors().readBytes("model.layers.0.mlp.up_proj.weight"));
        }
    }

    private void roundTrip(String format, QuantScheme s, List<QuantizedWeight> weights) {
        Path out = tmp.resolve("out");
        ExportPlan plan = new ExportPlan(ExportTestSupport.source(), out, s,
                ExportTestSupport.layerSchemes(ExportTestSupport.source(), LAYERS.keySet(), s), ExportOptions.rtn());
        Exporter exporter = ExporterRegistry.get(format);
        try (CheckpointSink sink = exporter.open(plan);
                SafetensorsCheckpoint src = SafetensorsCheckpoint.open(ExportTestSupport.source())) {
            for (QuantizedWeight w : weights) {
                sink.add(w);
                if ("nv_fp".equals(s.dataType())) { // static activation global scale, calibrated by the quantizer
                    sink.addRaw(io.autoround.model.safetensors.TensorData.ofFloats(w.name() + ".input_global_scale",
                            new long[] {1}, new float[] {448f * 6f / 3.5f}, io.autoround.model.safetensors.DType.F32));
                }
            }
            Exporter.copyUnquantized(src, plan, sink);
            sink.finish();
        }
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
            assertEquals(Set.copyOf(LAYERS.keySet()), cp.weights().keySet());
            for (QuantizedWeight w : weights) {
                QuantizedWeight back = cp.weights().get(w.name());
                assertSame(w, back);
                float[] deq = cp.dequantize(w.name());
                float[] expected = new float[deq.length];
                int groups = w.scales().length / w.rows();
                for (int r = 0; r < w.rows(); r++) {
                    for (int c = 0; c < w.cols(); c++) {
                        int g = r * groups + c / (w.cols() / groups);
                        int code = w.codes()[r * w.cols() + c];
                        expected[r * w.cols() + c] = switch (s.dataType()) {
                            case "int" -> (code - w.zeros()[g]) * w.scales()[g];
                            case "mx_fp" -> (s.bits() == 4 ? FpCodes.e2m1ToFloat(code)
                                    : io.autoround.model.safetensors.ElementCodec.e4m3ToFloat(code)) * w.scales()[g];
                            default -> FpCodes.e2m1ToFloat(code) * w.scales()[g] / w.globalScale();
                        };
                    }
                }
                // bit-exact (assertArrayEquals on floats compares with floatToIntBits semantics)
                assertArrayEquals(expected, deq, w.name() + " dequantized");
            }
        }
    }

    private static void assertSame(QuantizedWeight expected, QuantizedWeight actual) {
        assertEquals(expected.rows(), actual.rows(), expected.name());
        assertEquals(expected.cols(), actual.cols(), expected.name());
        assertEquals(expected.scheme().bits(), actual.scheme().bits(), expected.name());
        assertEquals(expected.scheme().groupSize(), actual.scheme().groupSize(), expected.name());
        assertEquals(expected.scheme().sym(), actual.scheme().sym(), expected.name());
        assertEquals(expected.scheme().dataType(), actual.scheme().dataType(), expected.name());
        assertArrayEquals(expected.codes(), actual.codes(), expected.name() + " codes");
        assertArrayEquals(expected.scales(), actual.scales(), expected.name() + " scales");
        if ("int".equals(expected.scheme().dataType())) {
            assertArrayEquals(expected.zeros(), actual.zeros(), expected.name() + " zeros");
        }
        assertEquals(Float.floatToIntBits(expected.globalScale()), Float.floatToIntBits(actual.globalScale()));
    }
}
