package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.IntScaleSearch;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimized RTN's two error weightings on stories260K W4A16 with group size 32: the default uniform weighting streams from the
 * checkpoint without calibration and stores exactly the scale search's result; the reference's imatrix weighting
 * runs the calibrated forward and chooses different scales.
 */
class OptRtnWeightingTest {
    private static final String LAYER = "model.layers.2.self_attn.q_proj";

    @TempDir
    Path tmp;

    private String run(String weighting, String out) {
        QuantizeOptions o = StoriesRuns.options("W4A16", 0, 16, 64, tmp.resolve(out));
        o.groupSize = 32;
        o.optRtnWeighting = weighting;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        QuantizationReport r = new AutoRound(o, new PrintStream(log, true, StandardCharsets.UTF_8)).quantizeAndSave();
        assertEquals(Algorithm.OPT_RTN, r.algorithm());
        assertEquals(20, r.quantizedLayers());
        return log.toString(StandardCharsets.UTF_8) + "\nOUTPUT " + r.outputs().get(0);
    }

    private static Path output(String log) {
        return Path.of(log.substring(log.lastIndexOf("\nOUTPUT ") + 8).trim());
    }

    @Test
    void uniformNeedsNoCalibrationAndImatrixDoes() {
        String uniform = run(null, "uniform");
        String imatrix = run("imatrix", "imatrix");
        assertFalse(uniform.contains("calibration:"), "uniform weighting reads no calibration data:\n" + uniform);
        assertTrue(imatrix.contains("calibration:"), "imatrix weighting calibrates:\n" + imatrix);

        float[] w;
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(SharedData.model("stories260k-hf"))) {
            w = src.readFloats(LAYER + ".weight");
        }
        try (QuantizedCheckpoint u = QuantizedCheckpointReader.read(output(uniform));
                QuantizedCheckpoint i = QuantizedCheckpointReader.read(output(imatrix))) {
            QuantizedWeight stored = u.weights().get(LAYER);
            QuantizedWeight expected = IntScaleSearch.quantize(LAYER, w, stored.rows(), stored.cols(), stored.scheme(),
                    QuantOptions.optimizedRtn(Precision.FP32, null)).weight();
            assertArrayEquals(expected.scales(), stored.scales(), "uniform: the plain least-squares scale search");
            assertArrayEquals(expected.codes(), stored.codes());
            int differing = 0;
            for (String layer : u.weights().keySet()) {
                differing += Arrays.equals(u.weights().get(layer).scales(), i.weights().get(layer).scales()) ? 0 : 1;
            }
            assertTrue(differing >= 10, "imatrix weighting changes the chosen scales of most layers: " + differing);
        }
    }
}
