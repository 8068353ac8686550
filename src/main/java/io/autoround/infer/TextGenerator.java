package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.KvCache;
import java.util.Arrays;

/** Autoregressive decoding with a KV cache: the prompt runs once, then one token per step, each streamed out. */
public final class TextGenerator {
    private final DecoderModel model;

    public TextGenerator(DecoderModel model) {
        this.model = model;
    }

    /** @return the prompt followed by the generated ids */
    public long[] generate(long[] prompt, GenerationOptions options, TokenListener onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generation needs at least one prompt token (e.g. BOS)");
        }
        TokenSampler sampler = new TokenSampler(options);
        long[] seq = Arrays.copyOf(prompt, prompt.length + options.maxNewTokens());
        int len = prompt.length;
        try (NDManager m = NDManager.newBaseManager(model.manager().getDevice(), "PyTorch"); KvCache cache = model.newCache()) {
            long[] feed = prompt;
            for (int step = 0; step < options.maxNewTokens(); step++) {
                long next;
                try (NDManager scope = m.newSubManager()) {
                    NDArray ids = scope.create(feed, new Shape(1, feed.length));
                    next = sampler.next(model.logits(ids, null, cache).get(0, feed.length - 1).toFloatArray());
                }
                seq[len++] = next;
                onToken.onToken(next);
                if (options.stopIds().contains(next)) {
                    break;
                }
                feed = new long[] {next};
            }
        }
        return Arrays.copyOf(seq, len);
    }
}
