package io.autoround.quant;

/**
 * The opt-RTN objective of {@link IntScaleSearch} for many candidate scales of one group: the importance-weighted
 * squared error of quantising the group's elements {@code x} with codes {@code clamp(rint(iscale * x))} and dequant
 * scale {@code scale}. Implementations must return bit-identical losses, so that the search picks the same scale
 * whichever one runs; {@link #SCALAR} is the reference implementation and the test oracle of the others.
 */
interface CandidateLoss {

    /** The plain per-candidate loop, in the element order of the group. */
    CandidateLoss SCALAR = CandidateLoss::scalarLosses;

    /** The Vector API kernel: one candidate per lane, each lane summing in the scalar order. */
    CandidateLoss VECTOR = new VectorCandidateLoss();

    /**
     * Writes into {@code out[k]} (from <= k < to) the loss of candidate {@code (iscale[k], scale[k])} over
     * {@code x[0..n)} with element weights {@code qw[0..n)}, codes clamped to [-nmax, nmax - 1], intermediates
     * rounded to {@code p}. A loss that is certainly above {@code bound} or above another candidate's loss may be
     * replaced by a smaller value that is still above it, so the first lowest loss of the candidates (together with
     * one of loss {@code bound}) is found as if all were exact. An infinite bound gives every loss exactly.
     */
    void losses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int from, int to, int nmax,
            Precision p, double bound, double[] out);

    /** The scalar loop: every loss in full, in element order (the bound allows this). */
    private static void scalarLosses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int from, int to,
            int nmax, Precision p, double bound, double[] out) {
        for (int k = from; k < to; k++) {
            out[k] = scalarLoss(x, qw, n, iscale[k], scale[k], nmax, p);
        }
    }

    /** True when no weight is negative or NaN, so that partial loss sums never decrease. */
    static boolean nonNegative(float[] qw, int n) {
        for (int i = 0; i < n; i++) {
            if (!(qw[i] >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** The loss of one candidate: doubles summing float terms {@code qw * d^2} in element order. */
    static double scalarLoss(float[] x, float[] qw, int n, float iscale, float scale, int nmax, Precision p) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float l = IntQuantizer.clamp((float) Math.rint(p.round(iscale * x[i])), -nmax, nmax - 1);
            float d = p.round(p.round(scale * l) - x[i]);
            sum += qw[i] * (d * d);
        }
        return sum;
    }
}
