package io.autoround.infer;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits per {@link GenerationOptions}: argmax, or temperature / top-k / top-p sampling. */
public final class TokenSampler {
    private final GenerationOptions options;
    private final SplittableRandom random;

    public TokenSampler(GenerationOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    public int next(float[] logits) {
        if (options.isGreedy()) {
            return argmax(logits);
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // most likely first; equal logits keep the lower id first so results do not depend on the sort
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = options.topK() > 0 ? Math.min(options.topK(), order.length) : order.length;
        double max = logits[order[0]] / options.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / options.temperature() - max);
            sum += p[i];
        }
        // nucleus: the smallest prefix whose mass reaches top_p (at least one token)
        double cumulative = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cumulative += p[i] / sum;
            if (cumulative >= options.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) {
            mass += p[i];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < nucleus; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }

    /** Index of the largest value, lowest index on ties. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
