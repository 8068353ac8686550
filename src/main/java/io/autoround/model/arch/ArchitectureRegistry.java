package io.autoround.model.arch;

import io.autoround.model.config.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The supported decoder architectures, keyed by config.json {@code model_type}. */
public final class ArchitectureRegistry {
    private static final Map<String, ArchitectureSpec> SPECS = new TreeMap<>();

    static {
        register(ArchitectureSpec.dense("llama", false, true));
        register(ArchitectureSpec.dense("mistral", false, true));
        register(ArchitectureSpec.dense("qwen2", false, false));
        register(ArchitectureSpec.dense("qwen3", true, true));
        register(new ArchitectureSpec("qwen3_moe", true, true, "mlp", true, "gate", "gate_proj", "up_proj", "down_proj"));
        register(new ArchitectureSpec("mixtral", false, true, "block_sparse_moe", true, "gate", "w1", "w3", "w2"));
    }

    private ArchitectureRegistry() {}

    private static void register(ArchitectureSpec spec) {
        SPECS.put(spec.modelType(), spec);
    }

    /** Model types with a registered architecture, sorted. */
    public static List<String> supported() {
        return List.copyOf(SPECS.keySet());
    }

    /** The conventions of a model type, or a clear error listing the supported ones. */
    public static ArchitectureSpec spec(String modelType) {
        ArchitectureSpec s = SPECS.get(modelType);
        if (s == null) {
            throw new IllegalArgumentException("unsupported model_type '" + modelType + "'; supported: "
                    + String.join(", ", supported()));
        }
        return s;
    }

    /** The architecture of a parsed config, with its sizes. */
    public static Architecture forConfig(ModelConfig config) {
        return new Architecture(spec(config.modelType()), config);
    }
}
