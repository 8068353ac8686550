package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.KvCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures prefill and decode throughput of a loaded model: one warm-up pass, then the best of {@code repeats}
 * prefill passes over a {@code promptLen}-token prompt and {@code decodeTokens} greedy KV-cache steps after it.
 */
public final class InferenceBench {
    private InferenceBench() {}

    /**
     * One row of the bench table.
     *
     * @param name backend (or "fp32 model")
     * @param weightBytes bytes held for the quantized layers' weights (all Linear weights for the fp model)
     * @param rssDeltaBytes growth of the process resident set while loading
     * @param prefillTokensPerSecond prompt tokens per second
     * @param decodeTokensPerSecond generated tokens per second
     */
    public record Row(String name, long weightBytes, long rssDeltaBytes, double prefillTokensPerSecond,
            double decodeTokensPerSecond) {}

    /** Throughput {prefill tok/s, decode tok/s}. */
    public static double[] throughput(DecoderModel model, int promptLen, int decodeTokens, int repeats) {
        long[] prompt = new long[promptLen];
        for (int i = 0; i < promptLen; i++) {
            prompt[i] = 1 + (i * 7919L) % (model.config().vocabSize() - 1);
        }
        run(model, prompt, Math.min(4, decodeTokens));
        double bestPrefill = Double.MAX_VALUE;
        double bestDecode = Double.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            double[] t = run(model, prompt, decodeTokens);
            bestPrefill = Math.min(bestPrefill, t[0]);
            bestDecode = Math.min(bestDecode, t[1]);
        }
        return new double[] {promptLen / bestPrefill, decodeTokens / bestDecode};
    }

    /** Seconds {prefill, decode}. */
    private static double[] run(DecoderModel model, long[] prompt, int decodeTokens) {
        try (NDManager m = NDManager.newBaseManager(model.manager().getDevice(), "PyTorch"); KvCache cache = model.newCache()) {
            long t0 = System.nanoTime();
            long next;
            try (NDManager scope = m.newSubManager()) {
                NDArray logits = model.logits(scope.create(prompt, new Shape(1, prompt.length)), null, cache);
                next = TokenSampler.argmax(logits.get(0, prompt.length - 1).toFloatArray());
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < decodeTokens; i++) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray logits = model.logits(scope.create(new long[] {next}, new Shape(1, 1)), null, cache);
                    next = TokenSampler.argmax(logits.toFloatArray());
                }
            }
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        }
    }

    /** The process resident set (VmRSS) in bytes, after a GC; -1 where /proc is unavailable. */
    public static long residentBytes() {
        System.gc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
