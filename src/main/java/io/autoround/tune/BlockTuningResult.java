package io.autoround.tune;

import java.util.Map;

/**
 * Outcome of tuning one block.
 *
 * @param layers best parameters per Linear
 * @param rtnLoss block output MSE of round-to-nearest (V = 0, scales 1) over all calibration samples
 * @param tunedLoss block output MSE with the chosen parameters over all calibration samples
 * @param bestIteration iteration whose parameters were kept
 */
public record BlockTuningResult(Map<String, TunedLinear> layers, double rtnLoss, double tunedLoss, int bestIteration) {}
