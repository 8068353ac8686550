package io.autoround.infer;

import ai.djl.Device;
import io.autoround.quant.QuantScheme;

/**
 * What a backend must serve for one quantized layer: its scheme, the checkpoint's packing format, the device and
 * the weight shape (for shape checkers such as "K divisible by the group size").
 *
 * @param layer the layer name, e.g. {@code model.layers.0.mlp.down_proj}
 * @param scheme the layer's scheme as read from the checkpoint
 * @param packingFormat the checkpoint format, e.g. {@code auto_round:auto_gptq}, {@code auto_awq}
 * @param device the target device
 * @param rows out_features
 * @param cols in_features
 */
public record LayerRequest(String layer, QuantScheme scheme, String packingFormat, Device device, int rows, int cols) {

    /** The device family as backends declare it: {@code cpu} or {@code gpu}. */
    public String deviceType() {
        return device.isGpu() ? "gpu" : "cpu";
    }

    /** One line describing the scheme, for messages. */
    public String describeScheme() {
        return scheme.dataType() + " " + scheme.bits() + "-bit, group " + scheme.groupSize() + ", "
                + (scheme.sym() ? "sym" : "asym") + (scheme.actBits() < 16 ? ", act " + scheme.actBits() + "-bit" : "")
                + ", " + packingFormat + " on " + device;
    }
}
