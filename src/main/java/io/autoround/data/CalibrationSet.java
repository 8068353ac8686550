package io.autoround.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration samples: every sample has exactly {@code seqlen} tokens (so batches need no padding), in the order
 * they will be fed to the model.
 *
 * @param samples token ids, each of length seqlen
 * @param seqlen tokens per sample
 * @param description where the samples came from, for logs
 */
public record CalibrationSet(List<int[]> samples, int seqlen, String description) {

    public CalibrationSet {
        for (int[] s : samples) {
            if (s.length != seqlen) {
                throw new IllegalArgumentException("sample of " + s.length + " tokens in a set of seqlen " + seqlen);
            }
        }
        samples = List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }

    /** Consecutive batches of at most {@code batchSize} samples. */
    public List<List<int[]>> batches(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be positive, got " + batchSize);
        }
        List<List<int[]>> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i += batchSize) {
            out.add(samples.subList(i, Math.min(samples.size(), i + batchSize)));
        }
        return out;
    }
}
