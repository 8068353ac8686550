package io.autoround.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The reference's batch sampler: a seeded shuffle of 0..n-1, consumed {@code batch} indices per iteration; when
 * fewer remain the list is reshuffled and restarted (the tail is discarded).
 */
public final class IndexSampler {
    private final int n;
    private final int batch;
    private final Random rng;
    private final List<Integer> order = new ArrayList<>();
    private int pos;

    public IndexSampler(int n, int batch, long seed) {
        if (n <= 0 || batch <= 0) {
            throw new IllegalArgumentException("need samples and a positive batch, got n=" + n + " batch=" + batch);
        }
        this.n = n;
        this.batch = Math.min(batch, n);
        this.rng = new Random(seed);
        reshuffle();
    }

    private void reshuffle() {
        order.clear();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rng);
        pos = 0;
    }

    /** Indices of the next global batch. */
    public int[] next() {
        if (pos + batch > n) {
            reshuffle();
        }
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            out[i] = order.get(pos + i);
        }
        pos += batch;
        return out;
    }
}
