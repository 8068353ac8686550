package io.autoround.quant;

import io.autoround.quant.format.Float4E2M1;
import io.autoround.quant.format.Float8E4M3;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NVFP4 quant-dequant ({@code auto_round/data_type/nvfp.py::nv_fp4 / ref_nvfp4_quant}, reference-spec 2.6) in
 * fp32 with the reference's operation order: global scale {@code 448*6 * (1/amax)}, per-16 block scale
 * {@code e4m3(clamp(gs * (vmax * (1/6)), ±448))}, elements {@code fp4(clamp(x * r + V, ±6)) / r} with
 * {@code r = 1 / (s * (1/gs))} and every reciprocal of zero taken as zero.
 */
public final class NvFp4Quantizer {

    private static final float FP4_E4M3 = 448f * 6f;
    private static final float INV_FP4_MAX = (float) (1.0 / 6.0);

    private NvFp4Quantizer() {
    }

    /** The weight's own global scale {@code 2688 * rcp(max |w|)} (0 for an all-zero weight). */
    public static float globalScale(float[] w) {
        float amax = 0f;
        for (float x : w) {
            amax = Math.max(amax, Math.abs(x));
        }
        return FP4_E4M3 * rcp(amax);
    }

    /**
     * The global scale shared by fused projections (q/k/v, gate/up, expert w1/w3): the minimum of the
     * individual global scales, i.e. the one of the layer with the largest magnitude
     * ({@code update_fused_layer_global_scales}).
     */
    public static float sharedGlobalScale(List<float[]> fusedWeights) {
        if (fusedWeights.isEmpty()) {
            throw new IllegalArgumentException("no weights to share a global scale between");
        }
        float min = Float.MAX_VALUE;
        for (float[] w : fusedWeights) {
            min = Math.min(min, globalScale(w));
        }
        return min;
    }

    /**
     * The shared global scale of every fused projection among {@code nvWeights} (layer name to weight), by
     * {@link FusedLayers#groups}; layers outside a fused group are absent (they use their own).
     */
    public static Map<String, Float> fusedGlobalScales(Map<String, float[]> nvWeights) {
        Map<String, Float> out = new HashMap<>();
        for (List<String> group : FusedLayers.groups(new ArrayList<>(nvWeights.keySet()))) {
            float gs = sharedGlobalScale(group.stream().map(nvWeights::get).toList());
            group.forEach(n -> out.put(n, gs));
        }
        return out;
    }

    /** Quantise; the global scale is {@code opts.nvGlobalScale()} or, when NaN, this weight's own. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        layout.requireWholeGroups(name, "NVFP4");
        opts.tuning().check(name, layout);
        float[] coeff = new float[layout.numGroups()];
        for (int g = 0; g < coeff.length; g++) {
            coeff[g] = opts.tuning().maxAt(g);
        }
        float gs = Float.isNaN(opts.nvGlobalScale()) ? globalScale(w) : opts.nvGlobalScale();
        return quantizeWithCoefficients(name, w, layout, scheme, opts.tuning(), coeff, gs, opts.precision());
    }

    /** Quantise with explicit per-group multipliers of the block max (opt-RTN's search coefficients). */
    static QuantResult quantizeWithCoefficients(String name, float[] w, GroupLayout layout, QuantScheme scheme,
            TuningParams t, float[] coeff, float gs, Precision out) {
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        float invGs = rcp(gs);
        for (int g = 0; g < n; g++) {
            float vmax = MxQuantizer.maxAbs(w, layout, g) * coeff[g];
            float s = Float8E4M3.round(IntQuantizer.clamp(gs * (vmax * INV_FP4_MAX), -Float8E4M3.MAX,
                    Float8E4M3.MAX));
            scales[g] = s;
            float outScale = rcp(s * invGs);
            float back = rcp(outScale);
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float y = IntQuantizer.clamp(w[i] * outScale + t.vAt(i), -Float4E2M1.MAX, Float4E2M1.MAX);
                    float q = Float4E2M1.round(y);
                    codes[i] = Float4E2M1.encode(q);
                    deq[i] = out.round(q * back);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, null,
                gs), deq);
    }

    /** nvfp.py's reciprocal: 0 for exactly 0, else 1/x. */
    static float rcp(float x) {
        return x == 0f ? 0f : 1f / x;
    }
}
