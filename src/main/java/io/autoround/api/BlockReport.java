package io.autoround.api;

/**
 * What happened to one block.
 *
 * @param index block index
 * @param name block name, e.g. {@code model.layers.3}
 * @param layers quantized Linear layers in the block
 * @param rtnLoss block output MSE with round-to-nearest weights (NaN when not measured)
 * @param tunedLoss block output MSE with the final weights (NaN when not measured)
 * @param seconds wall time of the block
 */
public record BlockReport(int index, String name, int layers, double rtnLoss, double tunedLoss, double seconds) {}
