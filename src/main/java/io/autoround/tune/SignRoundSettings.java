package io.autoround.tune;

/**
 * Hyper-parameters of block tuning (reference-spec 1.8-1.10).
 *
 * @param iters iterations per block
 * @param lr learning rate of V, or null for the per-layer default (1/iters; 2/iters when iters >= 1000 and bits <= 3)
 * @param minmaxLr learning rate of the clipping scales, or null for "same as lr"
 * @param momentum SignSGD momentum (ignored with {@code enableAdam}, as in the reference's AdamRound)
 * @param batchSize micro-batch size
 * @param gradientAccumulateSteps micro-batches per iteration
 * @param enableMinmaxTuning tune clipping scales
 * @param notUseBestMse keep the last iterate instead of the best one
 * @param dynamicMaxGap stop after this many iterations without improvement (-1 = off)
 * @param seed sampler seed
 * @param enableAdam tune with AdamW instead of SignSGD (same learning rates and schedule)
 */
public record SignRoundSettings(int iters, Double lr, Double minmaxLr, double momentum, int batchSize,
        int gradientAccumulateSteps, boolean enableMinmaxTuning, boolean notUseBestMse, int dynamicMaxGap, long seed,
        boolean enableAdam) {

    /** Settings of the SignSGD optimizer (no AdamW). */
    public SignRoundSettings(int iters, Double lr, Double minmaxLr, double momentum, int batchSize,
            int gradientAccumulateSteps, boolean enableMinmaxTuning, boolean notUseBestMse, int dynamicMaxGap,
            long seed) {
        this(iters, lr, minmaxLr, momentum, batchSize, gradientAccumulateSteps, enableMinmaxTuning, notUseBestMse,
                dynamicMaxGap, seed, false);
    }

    /** The reference's per-layer default learning rate (AdamRound uses the same rule). */
    public double lrFor(int bits) {
        if (lr != null) {
            return lr;
        }
        return (iters >= 1000 && bits <= 3 ? 2.0 : 1.0) / iters;
    }

    public double minmaxLrFor(int bits) {
        return minmaxLr != null ? minmaxLr : lrFor(bits);
    }
}
