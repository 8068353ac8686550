package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.Algorithm;
import io.autoround.api.AutoRound;
import io.autoround.api.QuantizationReport;
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

/**
 * {@code --format gguf:q4_k_m | q4_k_s --iters 0} on the real tiny Qwen3 (6 layers, hidden 384, intermediate
 * 1024): per-tensor types follow llama.cpp's recipe with the 256-block shape fallback, and the file dequantizes to
 * exactly the in-memory quantized weights.
 */
class GgufKQuantQwen3Test {
    private static final Path MODEL = SharedData.model("tiny-qwen3-12m");
    private static final GgufArchitecture QWEN3 = new GgufArchitecture("qwen3", false);

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

    private GgufReader export(String format, String label, QuantizeOptions o) {
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizedModel q = ar.quantize();
        ar.save(q, tmp.resolve(label), List.of(format), true);
        lastWeights = q.weights();
        return GgufReader.open(tmp.resolve(label + "/tiny-qwen3-12m-gguf/tiny-qwen3-12m-" + label + ".gguf"));
    }

    private List<QuantizedWeight> lastWeights;

    /** Expected type of each quantized Linear of the tiny model (only ffn_down has 256-divisible inputs). */
    private static GgmlType expectedQ4km(String layer) {
        int i = Integer.parseInt(layer.split("\\.")[2]);
        boolean more = i == 2 || i == 5; // use_more_bits(i, 6)
        if (layer.endsWith("down_proj")) {
            return more ? GgmlType.Q6_K : GgmlType.Q4_K;
        }
        if (layer.endsWith("v_proj")) {
            return more ? GgmlType.Q8_0 : GgmlType.Q5_0; // Q6_K / Q4_K fall back: 384 inputs
        }
        return GgmlType.Q5_0;
    }

    @Test
    void q4kmFollowsTheRecipeAndDequantizesExactly() {
        try (GgufReader r = export("gguf:q4_k_m", "Q4_K_M", options("gguf:q4_k_m"));
                SafetensorsCheckpoint src = SafetensorsCheckpoint.open(MODEL)) {
            Map<String, GgufValue> m = r.metadata();
            assertEquals(15L, m.get("general.file_type").asLong());
            assertEquals(src.tensors().size(), r.tensors().size());
            assertEquals(GgmlType.Q8_0, r.tensor("token_embd.weight").type()); // tied: Q6_K falls back (384 cols)
            assertEquals(GgmlType.F32, r.tensor("blk.0.attn_norm.weight").type());
            assertEquals(42, lastWeights.size());
            int kLayers = 0;
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                assertEquals(expectedQ4km(w.name()), t.type(), w.name());
                float[] got = r.dequantize(t);
                assertArrayEquals(valuesOf(w, t.type()), got, w.name());
                if (t.type().isKQuant()) {
                    kLayers++;
                    float[] x = src.readFloats(w.name() + ".weight");
                    assertTrue(relativeRmse(x, got) < (t.type() == GgmlType.Q6_K ? 0.03 : 0.12),
                            w.name() + " rmse " + relativeRmse(x, got));
                }
            }
            assertEquals(6, kLayers);
        }
    }

    @Test
    void q4ksFileTypeAndTypes() {
        try (GgufReader r = export("gguf:q4_k_s", "Q4_K_S", options("gguf:q4_k_s"))) {
            assertEquals(14L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                // n/8 = 0: no ffn_down gets Q5_K; attn_v 0..3 get Q5_K, which falls back to Q5_0 like Q4_K
                GgmlType expected = w.name().endsWith("down_proj") ? GgmlType.Q4_K : GgmlType.Q5_0;
                assertEquals(expected, t.type(), w.name());
                assertArrayEquals(valuesOf(w, t.type()), r.dequantize(t), w.name());
            }
        }
    }

    @Test
    void q2ksFileTypeAndTypes() {
        try (GgufReader r = export("gguf:q2_k_s", "Q2_K_S", options("gguf:q2_k_s"))) {
            assertEquals(21L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                // n_gqa = 3 and n/8 = 0: the recipe keeps Q2_K; 384-wide inputs fall back to Q5_0
                GgmlType expected = w.name().endsWith("down_proj") ? GgmlType.Q2_K : GgmlType.Q5_0;
                assertEquals(expected, t.type(), w.name());
                assertArrayEquals(valuesOf(w, t.type()), r.dequantize(t), w.name());
            }
        }
    }

    @Test
    void q3ksFileTypeAndTypes() {
        try (GgufReader r = export("gguf:q3_k_s", "Q3_K_S", options("gguf:q3_k_s"))) {
            assertEquals(11L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                GgmlType expected = w.name().endsWith("down_proj") ? GgmlType.Q3_K : GgmlType.Q5_0;
                assertEquals(expected, t.type(), w.name());
                assertArrayEquals(valuesOf(w, t.type()), r.dequantize(t), w.name());
            }
        }
    }

    @Test
    void q5kmAndQ6kTypes() {
        try (GgufReader r = export("gguf:q5_k_m", "Q5_K_M", options("gguf:q5_k_m"))) {
            assertEquals(17L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                GgmlType q4km = expectedQ4km(w.name()); // same layers upgraded as Q4_K_M, base Q5_K instead of Q4_K
                assertEquals(q4km == GgmlType.Q4_K ? GgmlType.Q5_K : q4km, t.type(), w.name());
                assertArrayEquals(valuesOf(w, t.type()), r.dequantize(t), w.name());
            }
        }
        try (GgufReader r = export("gguf:q6_k", "Q6_K", options("gguf:q6_k"))) {
            assertEquals(18L, r.get("general.file_type").orElseThrow().asLong());
            for (QuantizedWeight w : lastWeights) {
                GgufTensorInfo t = r.tensor(QWEN3.tensorName(w.name() + ".weight"));
                assertEquals(w.name().endsWith("down_proj") ? GgmlType.Q6_K : GgmlType.Q8_0, t.type(), w.name());
                assertArrayEquals(valuesOf(w, t.type()), r.dequantize(t), w.name());
            }
        }
    }

    @Test
    void imatrixIsRefusedForKQuants() {
        QuantizeOptions im = options("gguf:q4_k_m");
        im.optRtnWeighting = "imatrix";
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new AutoRound(im, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        assertTrue(e.getMessage().contains("imatrix") && e.getMessage().contains("not implemented yet"), e.getMessage());
    }

    /** SignRound cannot tune int_asym_dq yet: the default iters and an explicit iters > 0 run the iters=0 path. */
    @Test
    void tuningKQuantsFallsBackToIters0() throws Exception {
        QuantizeOptions byDefault = options("gguf:q4_k_m");
        byDefault.iters = null;
        byDefault.disableOptRtn = null;
        assertEquals(Algorithm.OPT_RTN, new AutoRound(byDefault, new PrintStream(new ByteArrayOutputStream())).plan().algorithm());
        assertEquals(0, byDefault.iters, "the options now say what runs");

        QuantizeOptions tuned = options("gguf:q4_k_s");
        tuned.iters = 2;
        tuned.outputDir = tmp.resolve("tuned").toString();
        QuantizationReport fellBack = new AutoRound(tuned, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.RTN, fellBack.algorithm());
        QuantizeOptions rtn = options("gguf:q4_k_s");
        rtn.outputDir = tmp.resolve("rtn").toString();
        QuantizationReport explicit = new AutoRound(rtn, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertArrayEquals(java.nio.file.Files.readAllBytes(explicit.outputs().get(0)),
                java.nio.file.Files.readAllBytes(fellBack.outputs().get(0)),
                "same file as an explicit iters=0 run");
    }

    /** The weight values the quantizer produced, from its codes and scales (layout per type family). */
    private static float[] valuesOf(QuantizedWeight w, GgmlType t) {
        float[] v = new float[w.codes().length];
        int g = w.groupWidth();
        int groups = w.groupsPerRow();
        for (int i = 0; i < v.length; i++) {
            int j = (i / w.cols()) * groups + (i % w.cols()) / g;
            v[i] = switch (t) {
                case Q2_K, Q4_K, Q5_K -> w.codes()[i] * w.scales()[j] + w.mins()[j];
                case Q3_K, Q6_K -> (w.codes()[i] - GgmlKBlockCodec.codeOffset(t)) * w.scales()[j];
                default -> (w.codes()[i] - w.zeros()[j]) * w.scales()[j];
            };
        }
        return v;
    }

    private static double relativeRmse(float[] x, float[] y) {
        double se = 0;
        double ss = 0;
        for (int i = 0; i < x.length; i++) {
            se += (x[i] - y[i]) * (x[i] - y[i]);
            ss += x[i] * x[i];
        }
        return Math.sqrt(se / ss);
    }
}
