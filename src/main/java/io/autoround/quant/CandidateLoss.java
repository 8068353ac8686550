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
     * Writes into {@code out[k]} (k < count) the loss of candidate {@code (iscale[k], scale[k])} over
     * {@code x[0..n)} with element weights {@code qw[0..n)}, codes clamped to [-nmax, nmax - 1], intermediates
     * rounded to {@code p}.
     */
    void losses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int count, int nmax, Precision p,
            double[] out);

    private static void scalarLosses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int count, int nmax,
            Precision p, double[] out) {
        for (int k = 0; k < count; k++) {
            out[k] = scalarLoss(x, qw, n, iscale[k], scale[k], nmax, p);
        }
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
