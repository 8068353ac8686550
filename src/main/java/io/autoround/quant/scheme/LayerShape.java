package io.autoround.quant.scheme;

/**
 * A Linear layer as the layer-config resolver sees it.
 *
 * @param name module name, e.g. {@code model.layers.0.self_attn.q_proj} or {@code lm_head}
 * @param outFeatures weight rows (N)
 * @param inFeatures weight columns (K)
 * @param inBlock true for Linears inside the quantised decoder blocks
 */
public record LayerShape(String name, int outFeatures, int inFeatures, boolean inBlock) {
}
