package io.autoround.model.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The optional {@code generation_config.json} of a model folder: special token ids and sampling defaults.
 * Absent fields keep the transformers defaults (greedy, no length limit beyond {@code max_length} 20).
 */
public record GenerationConfig(Integer bosTokenId, List<Integer> eosTokenIds, Integer padTokenId, boolean doSample,
        double temperature, int topK, double topP, double repetitionPenalty, Integer maxNewTokens, int maxLength) {

    public static final String FILE = "generation_config.json";

    /** The transformers defaults, used when the file is absent. */
    public static GenerationConfig defaults() {
        return new GenerationConfig(null, List.of(), null, false, 1.0, 50, 1.0, 1.0, null, 20);
    }

    /** Reads the folder's generation_config.json, or the defaults when the file does not exist. */
    public static GenerationConfig load(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.exists(file)) {
            return defaults();
        }
        JsonFields g = JsonFields.read(file);
        return new GenerationConfig(g.optInteger("bos_token_id"), g.intOrList("eos_token_id"), g.optInteger("pad_token_id"),
                g.optBool("do_sample", false), g.optDouble("temperature", 1.0), g.optInt("top_k", 50),
                g.optDouble("top_p", 1.0), g.optDouble("repetition_penalty", 1.0), g.optInteger("max_new_tokens"),
                g.optInt("max_length", 20));
    }
}
