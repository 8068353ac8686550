package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.IntQuantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.TuningParams;
import io.autoround.testutil.SharedData;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The differentiable DJL quant-dequant used for tuning equals the scalar reference implementation bit for bit. */
class IntQuantDequantParityTest {

    @Test
    void djlTuningQdqMatchesScalarReference() {
        float[] w;
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(SharedData.golden("formats/source-qwen3"))) {
            w = c.readFloats("model.layers.0.self_attn.k_proj.weight"); // [128, 256], bf16 widened
        }
        int rows = 128;
        int cols = 256;
        Random rnd = new Random(5);
        for (QuantScheme s : new QuantScheme[] {QuantScheme.weightOnlyInt(4, 128, true), QuantScheme.weightOnlyInt(2, 64, true),
                QuantScheme.weightOnlyInt(4, 128, false), QuantScheme.weightOnlyInt(3, -1, true), QuantScheme.weightOnlyInt(8, 32, false)}) {
            int groups = rows * s.groupsPerRow(cols);
            float[] v = new float[rows * cols];
            float[] mn = new float[groups];
            float[] mx = new float[groups];
            for (int i = 0; i < v.length; i++) v[i] = (rnd.nextFloat() - 0.5f) * 0.8f;
            for (int g = 0; g < groups; g++) {
                mn[g] = 0.7f + 0.3f * rnd.nextFloat();
                mx[g] = 0.7f + 0.3f * rnd.nextFloat();
            }
            QuantResult scalar = IntQuantizer.quantize("k", w, rows, cols, s,
                    QuantOptions.rtn(Precision.FP32).withTuning(new TuningParams(v, mn, mx)));
            float[] djl;
            try (NDManager m = NDManager.newBaseManager()) {
                LinearTuningParams p = new LinearTuningParams(m, "k", s, m.create(w, new Shape(rows, cols)), true);
                p.v.set(groupedOffsets(p, v));
                p.minScale.set(mn);
                p.maxScale.set(mx);
                djl = p.qdqWeight().toFloatArray();
            }
            int diff = 0;
            for (int i = 0; i < djl.length; i++) {
                // numeric equality: the STE form x + (round(x) - x) yields +0.0 where round gives -0.0, as in the reference
                if (djl[i] != scalar.dequantized()[i]) diff++;
            }
            assertEquals(0, diff, s + ": elements differing between DJL and scalar qdq");
        }
    }

    private static float[] groupedOffsets(LinearTuningParams p, float[] rowMajor) {
        float[] g = new float[p.rows * p.paddedCols];
        for (int r = 0; r < p.rows; r++) System.arraycopy(rowMajor, r * p.cols, g, r * p.paddedCols, p.cols);
        return g;
    }
}
