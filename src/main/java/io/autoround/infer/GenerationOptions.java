package io.autoround.infer;

import java.util.Set;

/**
 * Decoding settings. {@code temperature <= 0} is greedy (argmax, ties to the lowest id); otherwise logits are divided
 * by the temperature, cut to the {@code topK} most likely (0 = all) and to the smallest set whose probability
 * reaches {@code topP} (1 = all), and sampled with a generator seeded by {@code seed}.
 *
 * @param maxNewTokens tokens to generate at most
 * @param temperature softmax temperature; 0 for greedy
 * @param topP nucleus mass in (0, 1]
 * @param topK candidates kept, 0 for no limit
 * @param seed sampling seed (same seed, same tokens)
 * @param stopIds generation stops after emitting one of these
 */
public record GenerationOptions(int maxNewTokens, double temperature, double topP, int topK, long seed, Set<Long> stopIds) {

    public GenerationOptions {
        if (maxNewTokens < 0 || topK < 0 || !(topP > 0 && topP <= 1) || temperature < 0 || Double.isNaN(temperature)) {
            throw new IllegalArgumentException("invalid generation options: max_new_tokens=" + maxNewTokens
                    + " temperature=" + temperature + " top_p=" + topP + " top_k=" + topK
                    + " (need max_new_tokens >= 0, temperature >= 0, 0 < top_p <= 1, top_k >= 0)");
        }
        stopIds = Set.copyOf(stopIds);
    }

    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 1, 0, 0, Set.of());
    }

    public static GenerationOptions sampled(int maxNewTokens, double temperature, double topP, int topK, long seed) {
        return new GenerationOptions(maxNewTokens, temperature, topP, topK, seed, Set.of());
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public GenerationOptions withStopIds(Set<Long> ids) {
        return new GenerationOptions(maxNewTokens, temperature, topP, topK, seed, ids);
    }
}
