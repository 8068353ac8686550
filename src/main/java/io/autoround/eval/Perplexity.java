package io.autoround.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity with the project's protocol (docs/benchmarks.md): the whole text is tokenized once (BOS once when the
 * tokenizer adds one), cut into consecutive non-overlapping windows of {@code seqLen} tokens, each window scored on
 * its own from position 0 (positions 1..n-1 predicted from their left context), and
 * {@code ppl = exp(sum NLL / count)}. The short tail is dropped by default (the reference harness and llama.cpp) or
 * kept and scored as a last window. Log-probabilities are fp32; the sum is accumulated in double.
 */
public final class Perplexity {

    /** Reports progress as windows done out of the total. */
    @FunctionalInterface
    public interface Progress {
        void windowsDone(int done, int total);
    }

    /**
     * @param seqLen window length in tokens (at least 2)
     * @param batchSize windows per forward
     * @param keepTail score the final window shorter than seqLen instead of dropping it
     * @param progress callback after each batch, or null
     */
    public record Options(int seqLen, int batchSize, boolean keepTail, Progress progress) {
        public Options {
            if (seqLen < 2) {
                throw new IllegalArgumentException("perplexity window must be at least 2 tokens, got " + seqLen);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("perplexity batch size must be >= 1, got " + batchSize);
            }
        }

        /** Windows of {@code seqLen}, 8 per forward, tail dropped, no progress reporting. */
        public static Options of(int seqLen) {
            return new Options(seqLen, 8, false, null);
        }

        public Options withKeepTail(boolean keep) {
            return new Options(seqLen, batchSize, keep, progress);
        }

        public Options withBatchSize(int n) {
            return new Options(seqLen, n, keepTail, progress);
        }

        public Options withProgress(Progress p) {
            return new Options(seqLen, batchSize, keepTail, p);
        }
    }

    /**
     * @param perplexity exp(meanNll)
     * @param meanNll mean negative log-likelihood per scored token (natural log)
     * @param scoredTokens number of predicted tokens
     * @param windows number of windows scored
     * @param totalTokens tokens in the stream (including a BOS)
     */
    public record Result(double perplexity, double meanNll, long scoredTokens, int windows, long totalTokens) {}

    private Perplexity() {}

    /** Tokenizes the text with the model's special-token rule and scores it. */
    public static Result evaluate(DecoderModel model, TextTokenizer tokenizer, String text, Options options) {
        return evaluate(model, tokenizer.encode(text), options);
    }

    /** Scores a token stream. */
    public static Result evaluate(DecoderModel model, long[] tokens, Options options) {
        int seqLen = options.seqLen();
        List<long[]> windows = new ArrayList<>();
        for (int start = 0; start + seqLen <= tokens.length; start += seqLen) {
            windows.add(Arrays.copyOfRange(tokens, start, start + seqLen));
        }
        int tail = tokens.length % seqLen;
        if (options.keepTail() && tail >= 2) {
            windows.add(Arrays.copyOfRange(tokens, tokens.length - tail, tokens.length));
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("text has " + tokens.length + " tokens, fewer than one window of " + seqLen);
        }
        double nll = 0;
        long count = 0;
        try (NDManager m = NDManager.newBaseManager(model.manager().getDevice(), "PyTorch")) {
            int i = 0;
            while (i < windows.size()) {
                // a batch holds windows of one length: the full ones, or the tail alone
                int len = windows.get(i).length;
                int end = i;
                while (end < windows.size() && end - i < options.batchSize() && windows.get(end).length == len) {
                    end++;
                }
                nll += batchNll(model, m, windows.subList(i, end), len);
                count += (long) (end - i) * (len - 1);
                i = end;
                if (options.progress() != null) {
                    options.progress().windowsDone(i, windows.size());
                }
            }
        }
        double mean = nll / count;
        return new Result(Math.exp(mean), mean, count, windows.size(), tokens.length);
    }

    /** Sum of -log p(token | prefix) over positions 1..len-1 of each window. */
    private static double batchNll(DecoderModel model, NDManager m, List<long[]> windows, int len) {
        int b = windows.size();
        long[] ids = new long[b * len];
        long[] targets = new long[b * (len - 1)];
        for (int w = 0; w < b; w++) {
            System.arraycopy(windows.get(w), 0, ids, w * len, len);
            System.arraycopy(windows.get(w), 1, targets, w * (len - 1), len - 1);
        }
        try (NDManager scope = m.newSubManager()) {
            NDArray logits = model.logits(scope.create(ids, new Shape(b, len)), null);
            NDArray logProbs = logits.get(new NDIndex(":, :-1, :")).logSoftmax(2);
            NDArray picked = logProbs.gather(scope.create(targets, new Shape(b, len - 1, 1)), 2);
            double sum = 0;
            for (float lp : picked.toFloatArray()) {
                sum -= lp;
            }
            return sum;
        }
    }
}
