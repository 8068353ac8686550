package io.autoround.quant;

import io.autoround.quant.format.Float8E4M3;

/**
 * FP8 E4M3 weight quant-dequant ({@code auto_round/data_type/fp8.py::fp8_sym}, reference-spec 2.7): per group
 * (per tensor for FPW8A16, per row for FP8_STATIC) {@code scale = max(amax * maxScale / 448, 1/(448*512))},
 * {@code x' = e4m3(clamp(x / scale + V, ±448)) * scale}, fp32. Codes are E4M3 bytes.
 *
 * <p>Deviation from the reference: under {@link Precision#BF16} (a bf16 model) the scale is rounded to bf16 before
 * it is used, because the checkpoint stores {@code weight_scale} in the model dtype (reference-spec 3.6); the
 * reference keeps an fp32 scale in memory and casts it only when packing, so its checkpoint no longer reproduces
 * its fake-quantized weights. Here the exported codes and scale give back exactly the weights that were evaluated.
 */
public final class Fp8Quantizer {

    static final float MIN_SCALE = 1f / (448f * 512f);

    private Fp8Quantizer() {
    }

    /** Quantise with an FP8 scheme. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        TuningParams t = opts.tuning();
        t.check(name, layout);
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int g = 0; g < n; g++) {
            float amax = MxQuantizer.maxAbs(w, layout, g) * t.maxAt(g);
            float scale = opts.precision().round(Math.max(amax / Float8E4M3.MAX, MIN_SCALE));
            scales[g] = scale;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float y = IntQuantizer.clamp(w[i] / scale + t.vAt(i), -Float8E4M3.MAX, Float8E4M3.MAX);
                    int code = Float8E4M3.encode(y);
                    codes[i] = code;
                    deq[i] = opts.precision().round(Float8E4M3.decode(code) * scale);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, null,
                Float.NaN), deq);
    }
}
