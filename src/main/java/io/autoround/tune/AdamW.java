package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW with its defaults (betas 0.9/0.999, eps 1e-8, no amsgrad), the optimizer of the reference's
 * {@code enable_adam} (AdamRound). Per tensor and step t: p *= 1 - lr*wd; m = b1*m + (1-b1)*g;
 * v = b2*v + (1-b2)*g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 */
final class AdamW implements BlockOptimizer {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final double weightDecay;
    private final NDManager state;
    private final Map<NDArray, Moments> moments = new IdentityHashMap<>();

    /** First and second moment of one tensor and its step count. */
    private static final class Moments {
        final NDArray first;
        final NDArray second;
        int steps;

        Moments(NDArray first, NDArray second) {
            this.first = first;
            this.second = second;
        }
    }

    AdamW(NDManager manager, double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW weight decay must be a finite value >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
        this.state = manager.newSubManager();
    }

    @Override
    public float lossScale() {
        return 1f;
    }

    @Override
    public void step(NDArray p, double lr) {
        Moments s = moments.computeIfAbsent(p, k -> new Moments(state.zeros(k.getShape(), k.getDataType()),
                state.zeros(k.getShape(), k.getDataType())));
        s.steps++;
        try (NDManager tmp = state.newSubManager()) {
            NDArray g = p.getGradient();
            g.attach(tmp);
            if (weightDecay != 0) {
                p.muli((float) (1 - lr * weightDecay));
            }
            s.first.muli((float) BETA1).addi(tmp(tmp, g.mul((float) (1 - BETA1))));
            s.second.muli((float) BETA2).addi(tmp(tmp, g.square().muli((float) (1 - BETA2))));
            double correction1 = 1 - Math.pow(BETA1, s.steps);
            double correction2 = 1 - Math.pow(BETA2, s.steps);
            NDArray denom = tmp(tmp, s.second.sqrt()).divi((float) Math.sqrt(correction2)).addi((float) EPS);
            p.subi(tmp(tmp, s.first.div(denom)).muli((float) (lr / correction1)));
            BlockOptimizer.zeroGradient(g);
        }
    }

    /** Hands an intermediate to the step's temporary manager so it is freed when the step ends. */
    private static NDArray tmp(NDManager tmp, NDArray a) {
        a.attach(tmp);
        return a;
    }

    @Override
    public void close() {
        moments.clear();
        state.close();
    }
}
