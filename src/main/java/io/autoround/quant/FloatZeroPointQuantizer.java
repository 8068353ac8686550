package io.autoround.quant;

/**
 * RTN for {@code int_asym_float_zp} (GGUF Q4_1/Q5_1): per group of the block min and max,
 * {@code d = fp16((max - min) / (2^b - 1))}, {@code m = fp16(min)}, {@code code = clamp(rint((x - m) / d), 0, 2^b - 1)},
 * value {@code code * d + m} (llama.cpp's {@code quantize_row_q4_1}). Codes come from the fp16-rounded
 * {@code d} and {@code m}, so the fake-quantized weight is exactly what a Q4_1/Q5_1 file dequantizes to. (The
 * reference's {@code opt_rtn_int_asym_float_zp} keeps values on the {@code k * scale} grid and re-derives codes
 * at pack time, so its fake-quantized weight differs from its file by up to half a step.)
 */
public final class FloatZeroPointQuantizer {
    /** The data type name of the GGUF Q4_1/Q5_1 presets. */
    public static final String DATA_TYPE = "int_asym_float_zp";

    private FloatZeroPointQuantizer() {}

    /** Quantise {@code w} ([rows * cols], row-major); SignRound parameters are not supported. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme, QuantOptions opts) {
        if (!opts.tuning().isNone()) {
            throw new UnsupportedOperationException(name + ": SignRound tuning of " + DATA_TYPE + " is not implemented");
        }
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        int maxq = (1 << scheme.bits()) - 1;
        int n = layout.numGroups();
        float[] scales = new float[n];
        float[] mins = new float[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int g = 0; g < n; g++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    float x = w[r * layout.cols() + c];
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
            float d = ScaleDtype.FP16.round((max - min) / maxq);
            float m = ScaleDtype.FP16.round(min);
            scales[g] = d;
            mins[g] = m;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    int q = d == 0 ? 0 : (int) Math.max(0, Math.min(maxq, Math.rint((w[i] - m) / d)));
                    codes[i] = q;
                    deq[i] = opts.precision().round(q * d + m);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, null,
                Float.NaN, mins), deq);
    }
}
