package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API loss kernel of the opt-RTN search against the scalar oracle: losses bit for bit, and whole
 * searches (codes, scales, zero points, fake-quant values) identical, on random data with edge cases.
 */
class CandidateLossTest {
    private static final int[] BITS = {2, 3, 4, 8};

    /** Random group contents, one of several kinds that hit the edge cases of rounding and clamping. */
    private static float[] group(Random rnd, int n, int kind) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case 0 -> (float) rnd.nextGaussian() * 0.02f;
                // multiples of 1/32 up to 1/2: at iscale nmax/0.5 half of them sit exactly on a rounding tie
                case 1 -> (rnd.nextInt(33) - 16) / 32f;
                // repeated values and zeros, so the largest magnitude ties between elements of both signs
                case 2 -> new float[] {0f, 0.25f, -0.25f, 0.125f, -0f}[rnd.nextInt(5)];
                // heavy outliers: most codes of the smaller candidates clamp
                case 3 -> (float) (rnd.nextGaussian() * (rnd.nextInt(16) == 0 ? 50 : 0.01));
                // tiny values around the bf16/fp32 subnormal range
                default -> (float) rnd.nextGaussian() * 1e-36f;
            };
        }
        return x;
    }

    private static float[] importance(Random rnd, int n, boolean uniform) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = uniform ? 1f : (rnd.nextInt(8) == 0 ? 0f : rnd.nextFloat() * 4f);
        }
        return w;
    }

    @Test
    void vectorLossesEqualScalarLossesBitForBit() {
        Random rnd = new Random(13);
        for (Precision p : Precision.values()) {
            for (int bits : BITS) {
                int nmax = 1 << (bits - 1);
                for (int kind = 0; kind < 5; kind++) {
                    for (int n : new int[] {1, 7, 32, 128, 200}) {
                        float[] x = group(rnd, n, kind);
                        float[] qw = importance(rnd, n, kind % 2 == 0);
                        // candidate counts below, at and off the lane multiples; scales around the group's range
                        for (int count : new int[] {1, 5, 16, 17, 201}) {
                            float[] iscale = new float[count];
                            float[] scale = new float[count];
                            for (int k = 0; k < count; k++) {
                                iscale[k] = p.round((float) ((rnd.nextBoolean() ? -1 : 1) * nmax * 2
                                        * (0.25 + rnd.nextDouble()) / 0.5));
                                scale[k] = k % 3 == 0 ? p.round(1f / iscale[k]) : p.round(rnd.nextFloat() / nmax);
                            }
                            iscale[0] = kind == 1 ? 2 * nmax : iscale[0]; // exact ties for the 1/32 grid
                            scale[0] = 1f / iscale[0];
                            double[] expected = new double[count];
                            double[] actual = new double[count];
                            double inf = Double.POSITIVE_INFINITY;
                            CandidateLoss.SCALAR.losses(x, qw, n, iscale, scale, 0, count, nmax, p, inf, expected);
                            CandidateLoss.VECTOR.losses(x, qw, n, iscale, scale, 0, count, nmax, p, inf, actual);
                            for (int k = 0; k < count; k++) {
                                assertEquals(Double.doubleToRawLongBits(expected[k]),
                                        Double.doubleToRawLongBits(actual[k]), p + " bits " + bits + " kind " + kind
                                                + " n " + n + " candidate " + k + ": " + expected[k] + " vs "
                                                + actual[k]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void boundedLossesKeepEveryPossibleWinnerExact() {
        Random rnd = new Random(11);
        int replaced = 0;
        for (Precision p : Precision.values()) {
            for (int bits : BITS) {
                int nmax = 1 << (bits - 1);
                for (int trial = 0; trial < 40; trial++) {
                    int n = 1 + rnd.nextInt(160);
                    float[] x = group(rnd, n, trial % 5);
                    float[] qw = importance(rnd, n, trial % 2 == 0);
                    if (trial % 7 == 3) {
                        qw[rnd.nextInt(n)] = -0.5f; // a negative weight: partial sums prove nothing
                    }
                    int count = 1 + rnd.nextInt(120);
                    int from = rnd.nextInt(count);
                    float[] iscale = new float[count];
                    float[] scale = new float[count];
                    for (int k = 0; k < count; k++) {
                        iscale[k] = p.round((float) (nmax * (0.5 + 3 * rnd.nextDouble()) / maxAbs(x)));
                        scale[k] = p.round(1f / iscale[k]);
                    }
                    double[] exact = new double[count];
                    CandidateLoss.SCALAR.losses(x, qw, n, iscale, scale, 0, count, nmax, p,
                            Double.POSITIVE_INFINITY, exact);
                    // a bound from a real candidate (as the search passes) or an arbitrary one
                    double bound = trial % 3 == 0 ? exact[rnd.nextInt(count)] * rnd.nextDouble() : exact[0];
                    double[] out = new double[count];
                    CandidateLoss.VECTOR.losses(x, qw, n, iscale, scale, from, count, nmax, p, bound, out);
                    double min = bound;
                    for (int k = from; k < count; k++) {
                        min = Math.min(min, exact[k]);
                    }
                    for (int k = from; k < count; k++) {
                        if (Double.doubleToRawLongBits(out[k]) != Double.doubleToRawLongBits(exact[k])) {
                            replaced++;
                            String what = p + " bits " + bits + " trial " + trial + " candidate " + k;
                            assertTrue(exact[k] > min && out[k] > min, what + ": " + out[k] + " for " + exact[k]
                                    + " with the lowest " + min);
                        }
                    }
                }
            }
        }
        assertTrue(replaced > 100, "early stops exercised: " + replaced);
    }

    private static float maxAbs(float[] x) {
        float m = Float.MIN_NORMAL;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void vectorSearchEqualsScalarSearch() {
        Random rnd = new Random(7);
        int rows = 12;
        for (Precision p : Precision.values()) {
            for (int bits : BITS) {
                // grouped, grouped with a partial last group, per row, per tensor
                for (int[] shape : new int[][] {{128, 32}, {200, 128}, {96, -1}, {64, 0}}) {
                    int cols = shape[0];
                    QuantScheme scheme = QuantScheme.weightOnlyInt(bits, shape[1], true);
                    for (int kind = 0; kind < 5; kind++) {
                        float[] w = group(rnd, rows * cols, kind);
                        for (float[] imp : new float[][] {null, importance(rnd, cols, false)}) {
                            QuantOptions opts = QuantOptions.optimizedRtn(p, imp);
                            QuantResult s = IntScaleSearch.quantize("t", w, rows, cols, scheme, opts,
                                    IntScaleSearch.DEFAULT_RATIO, CandidateLoss.SCALAR);
                            QuantResult v = IntScaleSearch.quantize("t", w, rows, cols, scheme, opts,
                                    IntScaleSearch.DEFAULT_RATIO, CandidateLoss.VECTOR);
                            String what = p + " W" + bits + " " + scheme.groupSize() + " kind " + kind
                                    + (imp == null ? "" : " weighted");
                            assertArrayEquals(s.weight().scales(), v.weight().scales(), what);
                            assertArrayEquals(s.weight().codes(), v.weight().codes(), what);
                            assertArrayEquals(s.weight().zeros(), v.weight().zeros(), what);
                            assertArrayEquals(s.dequantized(), v.dequantized(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void searchMovesScalesAwayFromPlainRtn() {
        // guards the comparison above against a search that never leaves candidate 0 in both implementations
        Random rnd = new Random(3);
        float[] w = group(rnd, 16 * 128, 0);
        QuantScheme scheme = QuantScheme.weightOnlyInt(4, 128, true);
        QuantResult opt = IntScaleSearch.quantize("t", w, 16, 128, scheme, QuantOptions.optimizedRtn(Precision.FP32,
                null), IntScaleSearch.DEFAULT_RATIO, CandidateLoss.VECTOR);
        QuantResult rtn = IntQuantizer.quantize("t", w, 16, 128, scheme, QuantOptions.rtn(Precision.FP32));
        int moved = 0;
        for (int g = 0; g < 16; g++) {
            moved += opt.weight().scales()[g] != rtn.weight().scales()[g] ? 1 : 0;
        }
        assertTrue(moved >= 8, "searched scales differing from RTN: " + moved + " of 16");
    }
}
