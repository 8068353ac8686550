package io.autoround.model.arch;

/**
 * The naming and structural conventions of one model type (independent of sizes).
 *
 * @param modelType config.json {@code model_type}
 * @param qkNorm per-head RMSNorm on queries and keys before RoPE (Qwen3 family)
 * @param oProjBiasFollowsAttentionBias whether o_proj gets a bias when attention_bias is on (false for qwen2)
 * @param mlpPrefix module holding the MLP or MoE block inside a decoder layer
 * @param sparse whether layers can be sparse MoE blocks
 * @param routerName router Linear inside the MoE block
 * @param expertGate expert gate projection name
 * @param expertUp expert up projection name
 * @param expertDown expert down projection name
 */
public record ArchitectureSpec(String modelType, boolean qkNorm, boolean oProjBiasFollowsAttentionBias, String mlpPrefix,
        boolean sparse, String routerName, String expertGate, String expertUp, String expertDown) {

    static ArchitectureSpec dense(String type, boolean qkNorm, boolean oBias) {
        return new ArchitectureSpec(type, qkNorm, oBias, "mlp", false, null, null, null, null);
    }
}
