package io.autoround.quant;

import java.util.stream.IntStream;

/**
 * RTN (iters 0, no importance matrix) for the GGUF k-quant data types (reference-spec 2.8): {@code int_asym_dq}
 * with 2 bits (Q2_K: sub-blocks of 16, 4-bit scales and mins), 4 or 5 bits (Q4_K, Q5_K: sub-blocks of 32, 6-bit
 * scales and mins) and {@code int_sym_dq} with 3 bits (Q3_K: sub-blocks of 16, signed 6-bit
 * scales) or 6 bits (Q6_K: sub-blocks of 16, int8 scales), in super-blocks of 256 input channels, as llama.cpp's
 * {@code quantize_row_q2_K_ref / q3_K_ref / q4_K_ref / q5_K_ref / q6_K_ref}.
 *
 * <p>Codes are computed with the fp16 super scale times the quantized sub-block scale, so the fake-quantized weight
 * equals what the GGUF file dequantizes to. The {@link QuantizedWeight} holds, per sub-block (group): {@code scales}
 * = {@code d * sc} (fp32, exact), for Q2_K/Q4_K/Q5_K {@code mins} = {@code -(dmin * m)} (value = code * scale + min), and
 * {@code zeros} = the sub-block integers ({@code sc | m << 8} for Q2_K/Q4_K/Q5_K, the signed {@code sc} for Q3_K/Q6_K, whose
 * codes are offset by 4 / 32: value = (code - offset) * scale). The packer recovers {@code d = scale / sc} exactly.
 */
public final class GgufKQuantizer {
    /** Elements per super-block. */
    public static final int QK_K = 256;
    /** Data type of Q2_K / Q4_K / Q5_K. */
    public static final String ASYM = "int_asym_dq";
    /** Data type of Q3_K / Q6_K. */
    public static final String SYM = "int_sym_dq";

    /** Super-blocks one parallel task quantizes: enough to amortise the task, few enough to balance the cores. */
    private static final int SUPER_BLOCKS_PER_TASK = 256;

    private GgufKQuantizer() {}

    /** True for the k-quant data types this class implements (Q2_K, Q4_K, Q5_K, Q6_K). */
    public static boolean supports(QuantScheme s) {
        String dt = s.dataType().toLowerCase();
        return (dt.equals(ASYM) && (s.bits() == 4 || s.bits() == 5) && s.groupSize() == 32)
                || (dt.equals(ASYM) && s.bits() == 2 && s.groupSize() == 16)
                || (dt.equals(SYM) && (s.bits() == 3 || s.bits() == 6) && s.groupSize() == 16);
    }

    /** Quantise {@code w} ([rows * cols], row-major); {@code cols} must be a multiple of 256. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        if (!opts.tuning().isNone()) {
            throw new UnsupportedOperationException(name + ": SignRound tuning of GGUF k-quant data type "
                    + scheme.dataType() + " is not implemented (use iters 0)");
        }
        if (!supports(scheme)) {
            throw new UnsupportedOperationException(name + ": GGUF k-quant " + scheme.dataType() + " with "
                    + scheme.bits() + " bits and group " + scheme.groupSize() + " is not implemented yet "
                    + "(implemented: Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)");
        }
        if (cols % QK_K != 0 || w.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": GGUF k-quants need in_features a multiple of " + QK_K
                    + ", got " + cols + " (weight of " + w.length + " elements, " + rows + " rows)");
        }
        boolean asym = scheme.dataType().equalsIgnoreCase(ASYM);
        int g = scheme.groupSize();
        int groups = rows * (cols / g);
        int[] codes = new int[w.length];
        float[] scales = new float[groups];
        int[] ints = new int[groups];
        float[] mins = asym ? new float[groups] : null;
        // super-blocks are independent and each writes only its own slots: search them on all cores
        int superBlocks = w.length / QK_K;
        int tasks = (superBlocks + SUPER_BLOCKS_PER_TASK - 1) / SUPER_BLOCKS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            for (int sb = t * SUPER_BLOCKS_PER_TASK; sb < Math.min(superBlocks, (t + 1) * SUPER_BLOCKS_PER_TASK); sb++) {
                if (asym && scheme.bits() == 2) {
                    q2SuperBlock(w, sb * QK_K, codes, scales, mins, ints);
                } else if (asym) {
                    asymSuperBlock(w, sb * QK_K, scheme.bits(), codes, scales, mins, ints);
                } else {
                    symSuperBlock(w, sb * QK_K, scheme.bits(), codes, scales, ints);
                }
            }
        });
        int offset = 1 << (scheme.bits() - 1);
        float[] deq = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            int j = i / g;
            float v = asym ? codes[i] * scales[j] + mins[j] : (codes[i] - offset) * scales[j];
            deq[i] = opts.precision().round(v);
        }
        return new QuantResult(new QuantizedWeight(name, rows, cols, scheme, codes, scales, ints, Float.NaN, mins), deq);
    }

    /** One Q4_K/Q5_K super-block: 8 sub-blocks of 32 with weights |x| + sqrt(mean x^2). */
    private static void asymSuperBlock(float[] x, int off, int bits, int[] codes, float[] scales, float[] mins,
            int[] ints) {
        int nmax = (1 << bits) - 1;
        float rmin = bits == 4 ? -1f : -0.5f;
        int nstep = bits == 4 ? 20 : 15;
        float[] sc = new float[8];
        float[] mn = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        float[] weight = new float[32];
        for (int j = 0; j < 8; j++) {
            int o = off + 32 * j;
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) {
                sumX2 += x[o + l] * x[o + l];
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) {
                weight[l] = avX + Math.abs(x[o + l]);
            }
            float[] sm = KQuantSearch.scaleMin(x, o, 32, weight, nmax, rmin, 0.1f, nstep, false);
            sc[j] = sm[0];
            mn[j] = sm[1];
            maxScale = Math.max(maxScale, sc[j]);
            maxMin = Math.max(maxMin, mn[j]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        float d = ScaleDtype.FP16.round(maxScale / 63f);
        float dmin = ScaleDtype.FP16.round(maxMin / 63f);
        int g0 = off / 32;
        for (int j = 0; j < 8; j++) {
            int ls = Math.min(63, Math.max(0, (int) Math.rint(invScale * sc[j])));
            int lm = Math.min(63, Math.max(0, (int) Math.rint(invMin * mn[j])));
            float dd = d * ls;
            float dm = dmin * lm;
            scales[g0 + j] = dd;
            mins[g0 + j] = -dm;
            ints[g0 + j] = ls | lm << 8;
            int o = off + 32 * j;
            for (int l = 0; l < 32; l++) {
                codes[o + l] = dd == 0 ? 0 : KQuantSearch.clamp((int) Math.rint((x[o + l] + dm) / dd), 0, nmax);
            }
        }
    }

    /**
     * One Q2_K super-block: 16 sub-blocks of 16 with weights |x| and the mean-absolute-error search, 4-bit scales
     * and mins against {@code d = fp16(max_scale / 15)}, {@code dmin = fp16(max_min / 15)}.
     */
    private static void q2SuperBlock(float[] x, int off, int[] codes, float[] scales, float[] mins, int[] ints) {
        float[] sc = new float[16];
        float[] mn = new float[16];
        float maxScale = 0;
        float maxMin = 0;
        float[] weight = new float[16];
        for (int j = 0; j < 16; j++) {
            int o = off + 16 * j;
            for (int l = 0; l < 16; l++) {
                weight[l] = Math.abs(x[o + l]);
            }
            float[] sm = KQuantSearch.scaleMin(x, o, 16, weight, 3, -0.5f, 0.1f, 15, true);
            sc[j] = sm[0];
            mn[j] = sm[1];
            maxScale = Math.max(maxScale, sc[j]);
            maxMin = Math.max(maxMin, mn[j]);
        }
        float d = maxScale > 0 ? ScaleDtype.FP16.round(maxScale / 15f) : 0f;
        float dmin = maxMin > 0 ? ScaleDtype.FP16.round(maxMin / 15f) : 0f;
        float invScale = maxScale > 0 ? 15f / maxScale : 0f;
        float invMin = maxMin > 0 ? 15f / maxMin : 0f;
        int g0 = off / 16;
        for (int j = 0; j < 16; j++) {
            int ls = KQuantSearch.clamp((int) Math.rint(invScale * sc[j]), 0, 15);
            int lm = KQuantSearch.clamp((int) Math.rint(invMin * mn[j]), 0, 15);
            float dd = d * ls;
            float dm = dmin * lm;
            scales[g0 + j] = dd;
            mins[g0 + j] = -dm;
            ints[g0 + j] = ls | lm << 8;
            int o = off + 16 * j;
            for (int l = 0; l < 16; l++) {
                codes[o + l] = dd == 0 ? 0 : KQuantSearch.clamp((int) Math.rint((x[o + l] + dm) / dd), 0, 3);
            }
        }
    }

    /**
     * One Q3_K / Q6_K super-block: 16 sub-blocks of 16 (make_q3_quants / make_qx_quants), signed 6-bit / int8 scales
     * against {@code d = fp16(max_scale / -32 | -128)}.
     */
    private static void symSuperBlock(float[] x, int off, int bits, int[] codes, float[] scales, int[] ints) {
        int nmax = 1 << (bits - 1);
        int scaleHalf = bits == 3 ? 32 : 128;
        float[] sc = new float[16];
        float maxScale = 0;
        float maxAbs = 0;
        for (int j = 0; j < 16; j++) {
            sc[j] = bits == 3 ? KQuantSearch.q3Scale(x, off + 16 * j, 16, nmax)
                    : KQuantSearch.symScale(x, off + 16 * j, 16, nmax);
            if (Math.abs(sc[j]) > maxAbs) {
                maxAbs = Math.abs(sc[j]);
                maxScale = sc[j];
            }
        }
        int g0 = off / 16;
        if (maxAbs < KQuantSearch.GROUP_MAX_EPS) {
            for (int j = 0; j < 16; j++) {
                scales[g0 + j] = 0f;
                ints[g0 + j] = 0;
            }
            java.util.Arrays.fill(codes, off, off + QK_K, nmax);
            return;
        }
        float iscale = -scaleHalf / maxScale;
        float d = ScaleDtype.FP16.round(1 / iscale);
        for (int j = 0; j < 16; j++) {
            int q = KQuantSearch.clamp((int) Math.rint(iscale * sc[j]), -scaleHalf, scaleHalf - 1);
            float dd = d * q;
            scales[g0 + j] = dd;
            ints[g0 + j] = q;
            int o = off + 16 * j;
            for (int l = 0; l < 16; l++) {
                codes[o + l] = dd == 0 ? nmax : KQuantSearch.clamp((int) Math.rint(x[o + l] / dd), -nmax, nmax - 1) + nmax;
            }
        }
    }
}
