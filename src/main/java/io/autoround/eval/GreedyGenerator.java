package io.autoround.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.KvCache;
import java.util.Arrays;
import java.util.Set;

/**
 * Argmax decoding with a KV cache: the prompt is run once, then one token per step. Meant for checks against
 * reference generations and small models. Ties pick the lowest token id, as argmax does.
 */
public final class GreedyGenerator {
    private final DecoderModel model;

    public GreedyGenerator(DecoderModel model) {
        this.model = model;
    }

    /**
     * Extends the prompt by up to {@code maxNewTokens} tokens, stopping after emitting any of {@code stopIds}.
     *
     * @return prompt followed by the generated ids
     */
    public long[] generate(long[] prompt, int maxNewTokens, Set<Long> stopIds) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("greedy generation needs at least one prompt token (e.g. BOS)");
        }
        long[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int len = prompt.length;
        try (NDManager m = NDManager.newBaseManager(model.manager().getDevice(), "PyTorch"); KvCache cache = model.newCache()) {
            long[] feed = prompt;
            for (int step = 0; step < maxNewTokens; step++) {
                long next;
                try (NDManager scope = m.newSubManager()) {
                    NDArray ids = scope.create(feed, new Shape(1, feed.length));
                    next = argmax(model.logits(ids, null, cache).get(0, feed.length - 1).toFloatArray());
                }
                seq[len++] = next;
                if (stopIds.contains(next)) {
                    break;
                }
                feed = new long[] {next};
            }
        }
        return Arrays.copyOf(seq, len);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
