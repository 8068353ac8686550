package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The best-loss rule (reference-spec 1.9): which iteration's parameters are kept, copied when it improves. */
final class BestIterate {
    private final SignRoundSettings settings;
    private final List<NDArray> tuned;
    private final List<NDArray> best;
    private double loss = Double.POSITIVE_INFINITY;
    private int iteration = -1;

    BestIterate(SignRoundSettings settings, List<NDArray> tuned, List<NDArray> best) {
        this.settings = settings;
        this.tuned = tuned;
        this.best = best;
    }

    /** Sees iteration {@code it}'s loss, before its step changes the parameters. */
    void observe(int it, double itLoss, int iters) {
        if (itLoss < loss) {
            loss = itLoss;
            iteration = it;
            if (!settings.notUseBestMse()) {
                SignRoundBlockTuner.copyInto(tuned, best);
            }
        }
        if (settings.notUseBestMse() && it == iters - 1) {
            SignRoundBlockTuner.copyInto(tuned, best);
            iteration = it;
        }
    }

    int iteration() {
        return iteration;
    }
}
