package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A transformer block seen by the tuner: its Linear weights and a forward pass with replaced weights. */
public interface TunableBlock {

    /** Full names of the Linear layers to tune, in execution order. */
    List<String> linearNames();

    /** The original fp32 weight [out, in] of a Linear layer. */
    NDArray weight(String linearName);

    /**
     * Runs the block on {@code hidden} [batch, seq, hidden] using {@code weights} in place of the named Linear
     * weights (layers not in the map use their original weight).
     */
    NDArray forward(NDArray hidden, Map<String, NDArray> weights);

    /**
     * Like {@link #forward(NDArray, Map)} with the inputs of the named Linears replaced by {@code inputQdq(x)}
     * (the activation quant-dequant of W4A4/W8A8 schemes). Blocks that cannot transform inputs refuse a non-empty map.
     */
    default NDArray forward(NDArray hidden, Map<String, NDArray> weights, Map<String, UnaryOperator<NDArray>> inputQdq) {
        if (!inputQdq.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot quantize the inputs of "
                    + inputQdq.keySet());
        }
        return forward(hidden, weights);
    }
}
