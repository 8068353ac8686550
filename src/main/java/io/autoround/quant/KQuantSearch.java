package io.autoround.quant;

/**
 * The llama.cpp-compatible per-sub-block scale searches of the GGUF k-quants without an importance matrix
 * (reference-spec 2.8): the weighted least-squares scale/min search of {@code make_qkx2_quants} (Q2_K,
 * Q4_K, Q5_K), the symmetric search of {@code make_qx_quants} with {@code rmse_type = 1} (Q6_K) and
 * {@code make_q3_quants} with RMSE refinement (Q3_K). All arithmetic is fp32
 * and rounding is half-to-even, as llama.cpp's {@code nearest_int}.
 */
public final class KQuantSearch {
    /** Below this magnitude a group is treated as all-zero (llama.cpp {@code GROUP_MAX_EPS}). */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantSearch() {}

    /**
     * Scale and min of {@code x[off .. off+n)} for unsigned codes in [0, nmax], value {@code scale*L - min}.
     * The start is the plain min/max fit (min clamped to at most 0, so the returned min is never negative); each
     * of {@code nstep + 1} candidate inverse scales {@code (rmin + rdelta*k + nmax)/(max - min)} gives codes whose
     * weighted least-squares fit replaces the best one when its weighted error (|err| with {@code useMad}, else
     * err^2) is lower.
     *
     * @return {scale, min} with min >= 0
     */
    public static float[] scaleMin(float[] x, int off, int n, float[] w, int nmax, float rmin, float rdelta,
            int nstep, boolean useMad) {
        float min = x[off];
        float max = x[off];
        float sumW = 0;
        float sumX = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            min = Math.min(min, v);
            max = Math.max(max, v);
            sumW += w[i];
            sumX += w[i] * v;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            return new float[] {0f, -min};
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = clamp((int) Math.rint(iscale * (x[off + i] - min)), 0, nmax);
            bestError += w[i] * error(scale * l + min - x[off + i], useMad);
        }
        int[] laux = new int[n]; // every candidate overwrites all n codes
        for (int k = 0; k <= nstep; k++) {
            float is = (rmin + rdelta * k + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = clamp((int) Math.rint(is * (x[off + i] - min)), 0, nmax);
                laux[i] = l;
                sumL += w[i] * l;
                sumL2 += w[i] * l * l;
                sumXL += w[i] * l * x[off + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float cur = 0;
                for (int i = 0; i < n; i++) {
                    cur += w[i] * error(thisScale * laux[i] + thisMin - x[off + i], useMad);
                }
                if (cur < bestError) {
                    bestError = cur;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new float[] {scale, -min};
    }

    /**
     * Signed scale of {@code x[off .. off+n)} for codes in [-nmax, nmax - 1] with weights x^2: start from
     * {@code -nmax / m} ({@code m} the element of largest magnitude, sign kept), try {@code -(nmax + 0.1 i)/m} for
     * i in [-9, 9] \ {0}, keep the candidate maximising {@code sumlx^2 / suml2}; the scale is {@code sumlx / suml2}.
     * Returns 0 for an all-(near-)zero group.
     */
    public static float symScale(float[] x, int off, int n, int nmax) {
        float max = signedMax(x, off, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            return 0f;
        }
        float[] fit = symFit(x, off, n, nmax, -nmax / max);
        float scale = fit[1] != 0 ? fit[0] / fit[1] : 0f;
        float best = scale * fit[0];
        for (int k = -9; k <= 9; k++) {
            if (k == 0) {
                continue;
            }
            float[] f = symFit(x, off, n, nmax, -(nmax + 0.1f * k) / max);
            if (f[1] > 0 && f[0] * f[0] > best * f[1]) {
                scale = f[0] / f[1];
                best = scale * f[0];
            }
        }
        return scale;
    }

    /**
     * Signed scale of {@code x[off .. off+n)} for codes in [-nmax, nmax - 1] as llama.cpp's {@code make_q3_quants}
     * with {@code do_rmse}: codes at {@code -nmax / m}, then up to 5 coordinate-descent sweeps (weights x^2) that
     * move one code at a time to its refitted value when that raises {@code sumlx^2 / suml2}; the scale is
     * {@code sumlx / suml2}. Returns 0 for an all-(near-)zero group.
     */
    public static float q3Scale(float[] x, int off, int n, int nmax) {
        float max = signedMax(x, off, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            return 0f;
        }
        float iscale = -nmax / max;
        int[] l = new int[n];
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            l[i] = clamp((int) Math.rint(iscale * v), -nmax, nmax - 1);
            float w = v * v;
            sumlx += w * v * l[i];
            suml2 += w * l[i] * l[i];
        }
        for (int sweep = 0; sweep < 5; sweep++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float v = x[off + i];
                float w = v * v;
                float slx = sumlx - w * v * l[i];
                if (slx > 0) {
                    float sl2 = suml2 - w * l[i] * l[i];
                    int nl = clamp((int) Math.rint(v * sl2 / slx), -nmax, nmax - 1);
                    if (nl != l[i]) {
                        slx += w * v * nl;
                        sl2 += w * nl * nl;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            l[i] = nl;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return sumlx / suml2;
    }

    /** {sumlx, suml2} of the codes at inverse scale {@code iscale}, weights x^2. */
    private static float[] symFit(float[] x, int off, int n, int nmax, float iscale) {
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            int l = clamp((int) Math.rint(iscale * v), -nmax, nmax - 1);
            float w = v * v;
            sumlx += w * v * l;
            suml2 += w * l * l;
        }
        return new float[] {sumlx, suml2};
    }

    private static float error(float diff, boolean useMad) {
        return useMad ? Math.abs(diff) : diff * diff;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The element of largest magnitude in {@code x[off .. off+n)}, sign kept (the first one on ties). */
    private static float signedMax(float[] x, int off, int n) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[off + i]);
            if (ax > amax) {
                amax = ax;
                max = x[off + i];
            }
        }
        return max;
    }
}
