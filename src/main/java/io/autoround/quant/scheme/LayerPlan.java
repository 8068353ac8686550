package io.autoround.quant.scheme;

import io.autoround.quant.QuantScheme;

/**
 * The resolved decision for one layer.
 *
 * @param name layer name
 * @param scheme the scheme to quantise with, or null when the layer keeps full precision
 * @param reason why (e.g. "default scheme (in block)", "layer_config 'k_proj'", "lm_head not quantised ...")
 * @param fixedByUser the reference's {@code fixed_by_user} flag (user entries and forced skips)
 * @param inBlock whether the layer sits in a quantised block
 */
public record LayerPlan(String name, QuantScheme scheme, String reason, boolean fixedByUser, boolean inBlock) {

    /** True when the layer gets quantised. */
    public boolean quantized() {
        return scheme != null;
    }
}
