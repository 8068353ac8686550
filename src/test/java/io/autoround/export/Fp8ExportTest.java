package io.autoround.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.WeightQuantizer;
import io.autoround.quant.format.Float8E4M3;
import io.autoround.quant.format.HalfFloats;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weight-only FP8 (FPW8A16) export: real weights quantized with the FP8 quantizer, written by {@code auto_round} and
 * {@code llm_compressor}, read back bit for bit, with the configs and tensor dtypes the ecosystem reads.
 */
class Fp8ExportTest {
    private static final QuantScheme FPW8A16 = SchemePresets.get("FPW8A16");
    private static final QuantScheme PER_CHANNEL = new QuantScheme(8, -1, true, "fp", 16, -1, true, "fp", true, null,
            null);
    /** fp32 source model (stories260K) and its Linear layers used here. */
    private static final List<String> FP32_LAYERS = List.of("model.layers.0.self_attn.q_proj",
            "model.layers.0.mlp.gate_proj", "model.layers.1.mlp.down_proj");
    /** bf16 source model (the golden Qwen3 source). */
    private static final List<String> BF16_LAYERS = List.of("model.layers.0.self_attn.q_proj",
            "model.layers.1.mlp.down_proj");

    @TempDir
    Path tmp;

    private static Path fp32Source() {
        return SharedData.model("stories260k-hf");
    }

    /** The source weights of {@code layers} quantized as the run does (RTN, given precision). */
    private static Map<String, QuantResult> quantize(Path source, List<String> layers, QuantScheme s, Precision p) {
        Map<String, QuantResult> out = new LinkedHashMap<>();
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(source)) {
            for (String layer : layers) {
                TensorInfo t = src.find(layer + ".weight").orElseThrow();
                int rows = Math.toIntExact(t.shape()[0]);
                int cols = Math.toIntExact(t.shape()[1]);
                out.put(layer, WeightQuantizer.quantize(layer, src.readFloats(t.name()), rows, cols, s,
                        QuantOptions.rtn(p)));
            }
        }
        return out;
    }

    private Path export(String format, Path source, QuantScheme s, Map<String, QuantResult> results) {
        Path out = tmp.resolve(format.replace(':', '-') + "-" + s.groupSize());
        ExportPlan plan = new ExportPlan(source, out, s,
                ExportTestSupport.layerSchemes(source, results.keySet(), s), ExportOptions.rtn());
        List<QuantizedWeight> weights = results.values().stream().map(QuantResult::weight).toList();
        ExporterRegistry.get(format).export(plan, weights);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_round", "llm_compressor"})
    void fp32ModelRoundTripsExactlyToTheFakeQuantizedWeights(String format) {
        for (QuantScheme s : List.of(FPW8A16, PER_CHANNEL)) {
            Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, s, Precision.FP32);
            Path out = export(format, fp32Source(), s, results);
            try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
                assertEquals(results.keySet(), cp.weights().keySet());
                for (QuantResult r : results.values()) {
                    QuantizedWeight w = r.weight();
                    QuantizedWeight back = cp.weights().get(w.name());
                    assertEquals(s.groupSize(), back.scheme().groupSize(), w.name());
                    assertEquals("fp", back.scheme().dataType());
                    assertArrayEquals(w.codes(), back.codes(), w.name() + " codes");
                    assertArrayEquals(w.scales(), back.scales(), w.name() + " scales");
                    assertEquals(s.groupSize() == 0 ? 1 : w.rows(), back.scales().length);
                    // the checkpoint gives back exactly the weights the quantizer evaluated
                    assertArrayEquals(r.dequantized(), cp.dequantize(w.name()), w.name() + " dequantized");
                }
                TensorInfo scale = cp.tensors().find(FP32_LAYERS.get(0) + ".weight_scale").orElseThrow();
                assertEquals(DType.F32, scale.dtype(), "an fp32 model keeps fp32 scales");
                long[] expectedShape = s.groupSize() == 0 ? new long[] {1}
                        : format.equals("llm_compressor") ? new long[] {64, 1} : new long[] {64};
                assertArrayEquals(expectedShape, scale.shape());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_round", "llm_compressor"})
    void bf16ModelStoresBf16ScalesThatReproduceTheBf16Weights(String format) {
        Path source = ExportTestSupport.source();
        Map<String, QuantResult> results = quantize(source, BF16_LAYERS, FPW8A16, Precision.BF16);
        Path out = export(format, source, FPW8A16, results);
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
            for (QuantResult r : results.values()) {
                QuantizedWeight w = r.weight();
                QuantizedWeight back = cp.weights().get(w.name());
                assertArrayEquals(w.codes(), back.codes(), w.name() + " codes");
                assertEquals(1, back.scales().length);
                assertEquals(w.scales()[0], back.scales()[0], w.name() + " scale");
                assertEquals(HalfFloats.roundToBf16(w.scales()[0]), w.scales()[0], "the quantizer's scale is bf16");
                float[] deq = cp.dequantize(w.name());
                float[] asBf16 = new float[deq.length];
                for (int i = 0; i < deq.length; i++) {
                    assertEquals(Float8E4M3.decode(back.codes()[i]) * back.scales()[0], deq[i]);
                    asBf16[i] = HalfFloats.roundToBf16(deq[i]);
                }
                // the bf16 model's fake-quantized weight is the checkpoint's weight in the model dtype
                assertArrayEquals(r.dequantized(), asBf16, w.name() + " dequantized");
                TensorInfo scale = cp.tensors().find(w.name() + ".weight_scale").orElseThrow();
                assertEquals(DType.BF16, scale.dtype());
                assertArrayEquals(new long[] {1}, scale.shape());
                TensorInfo weight = cp.tensors().find(w.name() + ".weight").orElseThrow();
                assertEquals(DType.F8_E4M3, weight.dtype());
                assertEquals((long) w.rows() * w.cols(), weight.end() - weight.begin(), "one byte per element");
                // raw bytes are the E4M3FN codes; the largest magnitude maps to +-448 = 0x7E / 0xFE
                byte[] raw = cp.tensors().readBytes(w.name() + ".weight");
                int max = 0;
                for (int i = 0; i < raw.length; i++) {
                    assertEquals(w.codes()[i], raw[i] & 0xFF);
                    max = Math.max(max, raw[i] & 0x7F);
                }
                assertEquals(0x7E, max, w.name() + ": the per-tensor max maps to 448");
            }
            // unquantized tensors are copied as they are
            try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(source)) {
                assertArrayEquals(src.readBytes("model.layers.0.mlp.up_proj.weight"),
                        cp.tensors().readBytes("model.layers.0.mlp.up_proj.weight"));
            }
        }
    }

    @Test
    void readerAndWriterAgreeOnEveryE4m3Byte() {
        for (int b = 0; b < 256; b++) {
            float v = Float8E4M3.decode(b);
            float r = ElementCodec.e4m3ToFloat(b);
            assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(r), "byte " + b);
        }
        assertEquals(448f, ElementCodec.e4m3ToFloat(0x7E));
        assertEquals(0x1p-9f, ElementCodec.e4m3ToFloat(0x01));
        assertEquals(0x7E, Float8E4M3.encode(448f));
        assertEquals(0x01, Float8E4M3.encode(0x1p-9f));
        assertEquals(0x3A, Float8E4M3.encode(1.1875f), "tie between 1.125 and 1.25 goes to even mantissa 2");
        assertEquals(0x38, Float8E4M3.encode(1.0625f), "tie between 1 and 1.125 goes to even mantissa 0");
    }

    @Test
    void autoRoundConfigIsTheReferenceFp8Dict() throws Exception {
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, FPW8A16, Precision.FP32);
        Path out = export("auto_round", fp32Source(), FPW8A16, results);
        JsonNode qc = PythonJson.MAPPER.readTree(out.resolve("quantization_config.json").toFile());
        List<String> keys = new ArrayList<>();
        qc.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("bits", "data_type", "group_size", "sym", "enable_quanted_input",
                "static_attention_granularity", "static_kv_granularity", "autoround_version",
                "block_name_to_quantize", "quant_method", "fmt", "activation_scheme", "extra_config"), keys);
        assertEquals(8, qc.get("bits").asInt());
        assertEquals("fp", qc.get("data_type").asText());
        assertEquals(0, qc.get("group_size").asInt());
        assertTrue(qc.get("sym").asBoolean());
        assertEquals("auto-round", qc.get("quant_method").asText());
        assertEquals("e4m3", qc.get("fmt").asText());
        assertEquals("dynamic", qc.get("activation_scheme").asText());
        assertEquals("model.layers", qc.get("block_name_to_quantize").asText());
        assertFalse(qc.has("packing_format"), "weight-only FP8 has no packing_format (reference-spec 3.2)");
        assertFalse(qc.has("act_bits"), "act_* keys are filtered at act_bits 16");
        JsonNode config = PythonJson.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals(qc, config.get("quantization_config"));
        assertEquals("float32", config.get("torch_dtype").asText(), "act_bits 16 keeps the model dtype");
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
            assertEquals("auto_round:fp8", cp.format());
        }
    }

    @Test
    void llmCompressorConfigIsFloatQuantizedPerTensor() throws Exception {
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, FPW8A16, Precision.FP32);
        Path out = export("llm_compressor", fp32Source(), FPW8A16, results);
        JsonNode qc = PythonJson.MAPPER.readTree(out.resolve("quantization_config.json").toFile());
        assertEquals("compressed-tensors", qc.get("quant_method").asText());
        assertEquals("float-quantized", qc.get("format").asText());
        assertEquals("compressed", qc.get("quantization_status").asText());
        JsonNode group = qc.get("config_groups").get("group_0");
        assertEquals("float-quantized", group.get("format").asText());
        assertEquals("[\"Linear\"]", group.get("targets").toString());
        JsonNode w = group.get("weights");
        assertEquals(8, w.get("num_bits").asInt());
        assertEquals("float", w.get("type").asText());
        assertEquals("tensor", w.get("strategy").asText());
        assertTrue(w.get("symmetric").asBoolean());
        assertTrue(w.get("group_size").isNull());
        assertFalse(w.get("dynamic").asBoolean());
        assertTrue(group.get("input_activations").isNull(), "weight-only");
        assertTrue(qc.get("ignore").toString().contains("model.layers.0.mlp.up_proj"), qc.get("ignore").toString());
        try (SafetensorsCheckpoint files = SafetensorsCheckpoint.open(out)) {
            assertTrue(files.find(FP32_LAYERS.get(0) + ".weight_zero_point").isEmpty(), "symmetric: no zero point");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_gptq", "auto_awq", "auto_round:auto_gptq", "auto_round:auto_awq"})
    void intOnlyFormatsRefuseFp8BeforeWriting(String format) {
        Path out = tmp.resolve("refused");
        ExportPlan plan = new ExportPlan(fp32Source(), out, FPW8A16,
                ExportTestSupport.layerSchemes(fp32Source(), java.util.Set.copyOf(FP32_LAYERS), FPW8A16),
                ExportOptions.rtn());
        UnsupportedSchemeException e = assertThrows(UnsupportedSchemeException.class,
                () -> ExporterRegistry.get(format).validate(plan));
        assertTrue(e.getMessage().contains("data_type 'fp'") || e.getMessage().contains("data_type fp"),
                e.getMessage());
        assertFalse(Files.exists(out));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_round", "llm_compressor"})
    void fp8BlockWithPartialEdgeBlocksRoundTrips(String format) {
        // stories260K: [64, 64], [172, 64], [64, 172]: none a multiple of 128, so every block is an edge block
        QuantScheme block = SchemePresets.get("FP8_BLOCK");
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, block, Precision.FP32);
        Path out = export(format, fp32Source(), block, results);
        try (QuantizedCheckpoint cp = QuantizedCheckpointReader.read(out)) {
            for (QuantResult r : results.values()) {
                QuantizedWeight w = r.weight();
                QuantizedWeight back = cp.weights().get(w.name());
                assertEquals(block, back.scheme(), w.name());
                assertEquals(((w.rows() + 127) / 128) * ((w.cols() + 127) / 128), back.scales().length,
                        w.name() + ": ceil-divided 128x128 blocks");
                assertArrayEquals(w.codes(), back.codes(), w.name());
                assertArrayEquals(r.dequantized(), cp.dequantize(w.name()), w.name() + " dequantized");
            }
            // gate_proj [172, 64]: blocks rows 0-127 and 128-171 (a partial edge block)
            long[] shape = cp.tensors().find(FP32_LAYERS.get(1) + ".weight_scale").orElseThrow().shape();
            assertArrayEquals(format.equals("llm_compressor") ? new long[] {2, 1} : new long[] {2}, shape);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_round", "llm_compressor"})
    void fp8StaticWithoutItsCalibratedInputScaleIsRefused(String format) {
        QuantScheme fp8Static = SchemePresets.get("FP8_STATIC");
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, fp8Static, Precision.FP32);
        ExportException e = assertThrows(ExportException.class, () -> export(format, fp32Source(), fp8Static, results));
        assertTrue(e.getMessage().contains("input_scale"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto_gptq", "auto_awq"})
    void fp8SchemesInIntOnlyFormatsAreRefused(String format) {
        for (String name : List.of("FP8_STATIC", "FP8_BLOCK")) {
            QuantScheme s = SchemePresets.get(name);
            ExportPlan plan = new ExportPlan(fp32Source(), tmp.resolve(format + name), s,
                    ExportTestSupport.layerSchemes(fp32Source(), java.util.Set.copyOf(FP32_LAYERS), s),
                    ExportOptions.rtn());
            UnsupportedSchemeException e = assertThrows(UnsupportedSchemeException.class,
                    () -> ExporterRegistry.get(format).validate(plan));
            assertTrue(e.getMessage().contains("fp"), e.getMessage());
        }
    }

    @Test
    void scalesNotExactInTheModelDtypeAreRefused() {
        // fp32 scales (the FP32-precision quantizer) cannot go into a bf16 model's checkpoint unchanged
        Map<String, QuantResult> results = quantize(ExportTestSupport.source(), BF16_LAYERS, FPW8A16, Precision.FP32);
        QuantizedWeight w = results.get(BF16_LAYERS.get(0)).weight();
        float scale = w.scales()[0];
        QuantizedWeight bad = new QuantizedWeight(w.name(), w.rows(), w.cols(), FPW8A16, w.codes(),
                new float[] {HalfFloats.roundToBf16(scale) == scale ? Math.nextUp(scale) : scale}, null, Float.NaN);
        Fp8Layout layout = Fp8Layout.forModel("auto_round", ExportTestSupport.source(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layout.pack(bad));
        assertTrue(e.getMessage().contains(w.name()) && e.getMessage().contains("BF16"), e.getMessage());
        int[] nanCodes = w.codes().clone();
        nanCodes[3] = 0x7F;
        QuantizedWeight nan = new QuantizedWeight(w.name(), w.rows(), w.cols(), FPW8A16, nanCodes,
                new float[] {HalfFloats.roundToBf16(scale)}, null, Float.NaN);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layout.pack(nan)).getMessage()
                .contains("element 3"));
    }

    @Test
    void unsupportedFp8ConfigsAreRefusedWhenReading() throws Exception {
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, FPW8A16, Precision.FP32);
        Path ar = export("auto_round", fp32Source(), FPW8A16, results);
        Path arConfig = ar.resolve("config.json");
        Files.writeString(arConfig, Files.readString(arConfig).replace("\"fmt\": \"e4m3\"", "\"fmt\": \"e5m2\""));
        CheckpointFormatException e5m2 = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(ar).close());
        assertTrue(e5m2.getMessage().contains("FP8 fmt 'e5m2' is not supported"), e5m2.getMessage());
        Path llm = export("llm_compressor", fp32Source(), FPW8A16, results);
        Path llmConfig = llm.resolve("config.json");
        Files.writeString(llmConfig, Files.readString(llmConfig).replace("\"input_activations\": null",
                "\"input_activations\": {\"num_bits\": 8, \"type\": \"float\", \"dynamic\": true}"));
        CheckpointFormatException w8a8 = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(llm).close());
        assertTrue(w8a8.getMessage().contains("float-quantized with dynamic '' input activations is not supported"),
                w8a8.getMessage());
    }

    @Test
    void aScaleTensorOfTheWrongSizeNamesTheLayer() throws Exception {
        Map<String, QuantResult> results = quantize(fp32Source(), FP32_LAYERS, PER_CHANNEL, Precision.FP32);
        Path out = export("auto_round", fp32Source(), PER_CHANNEL, results);
        // claim per-tensor scales in the config while the file holds one per channel
        Path qcFile = out.resolve("config.json");
        String text = Files.readString(qcFile).replace("\"group_size\": -1", "\"group_size\": 0");
        Files.writeString(qcFile, text);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> QuantizedCheckpointReader.read(out).close());
        assertTrue(e.getMessage().matches("auto_round layer 'model\\.layers\\.\\d\\.[a-z_.]+': tensor '.*\\.weight_scale'"
                + " has (64|172) values, expected 1 \\(per-tensor scale\\)"), e.getMessage());
    }
}
