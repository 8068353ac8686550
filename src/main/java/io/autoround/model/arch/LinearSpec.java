package io.autoround.model.arch;

/**
 * One Linear layer of a model as the quantizer sees it.
 *
 * @param name full module name, e.g. {@code model.layers.0.self_attn.q_proj} (weight tensor: name + ".weight")
 * @param localName name inside its block, e.g. {@code self_attn.q_proj}
 * @param outFeatures rows of the weight ([out, in] layout)
 * @param inFeatures columns of the weight
 * @param hasBias whether a bias tensor (name + ".bias") exists
 * @param quantizedByDefault false for layers the reference leaves in 16 bit by default (MoE routers)
 */
public record LinearSpec(String name, String localName, int outFeatures, int inFeatures, boolean hasBias,
        boolean quantizedByDefault) {

    public String weightName() {
        return name + ".weight";
    }

    public String biasName() {
        return name + ".bias";
    }
}
