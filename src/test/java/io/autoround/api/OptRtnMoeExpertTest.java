package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.OptRtnPolicy;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.WeightQuantizer;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's MoE rule for optimized RTN: routed experts fall back to pure RTN unless optimized RTN was asked
 * for explicitly; attention layers keep the scale search.
 */
class OptRtnMoeExpertTest {
    private static final String ATTENTION = "model.layers.0.self_attn.q_proj";
    private static final String EXPERT = "model.layers.0.mlp.experts.0.up_proj";

    @TempDir
    Path tmp;

    @Test
    void policyNamesRoutedExpertsOnly() {
        assertTrue(OptRtnPolicy.routedExpertUsesPureRtn(EXPERT, null));
        assertFalse(OptRtnPolicy.routedExpertUsesPureRtn(EXPERT, Boolean.FALSE), "--enable_opt_rtn keeps the search");
        assertFalse(OptRtnPolicy.routedExpertUsesPureRtn("model.layers.0.mlp.shared_expert.up_proj", null));
        assertFalse(OptRtnPolicy.routedExpertUsesPureRtn(ATTENTION, null));
    }

    private QuantizedWeight stored(Boolean disableOptRtn, String layer, String out) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.golden("parity/qwen3_moe").toString();
        o.scheme = "W4A16";
        o.groupSize = 32;
        o.iters = 0;
        o.disableOptRtn = disableOptRtn;
        o.outputDir = tmp.resolve(out).toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.OPT_RTN, r.algorithm());
        try (QuantizedCheckpoint c = QuantizedCheckpointReader.read(r.outputs().get(0))) {
            return c.weights().get(layer);
        }
    }

    private static QuantizedWeight expected(String layer, QuantOptions opts, QuantizedWeight like) {
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(SharedData.golden("parity/qwen3_moe"))) {
            float[] w = src.readFloats(layer + ".weight");
            return WeightQuantizer.quantize(layer, w, like.rows(), like.cols(), like.scheme(), opts).weight();
        }
    }

    @Test
    void routedExpertsUsePureRtnUnlessOptimizedRtnIsExplicit() {
        QuantizedWeight expertDefault = stored(null, EXPERT, "default");
        QuantizedWeight rtn = expected(EXPERT, QuantOptions.rtn(Precision.FP32), expertDefault);
        QuantizedWeight searched = expected(EXPERT, QuantOptions.optimizedRtn(Precision.FP32, null), expertDefault);
        assertFalse(Arrays.equals(rtn.scales(), searched.scales()), "the search changes this layer's scales");
        assertArrayEquals(rtn.scales(), expertDefault.scales(), "default: routed expert is pure RTN");
        assertArrayEquals(searched.scales(), stored(Boolean.FALSE, EXPERT, "explicit").scales(),
                "--enable_opt_rtn: routed expert gets the search");
        QuantizedWeight attention = stored(null, ATTENTION, "attention");
        assertArrayEquals(expected(ATTENTION, QuantOptions.optimizedRtn(Precision.FP32, null), attention).scales(),
                attention.scales(), "attention keeps the search");
    }
}
