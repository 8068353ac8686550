package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The position-wise part of a decoder block: a dense gated MLP or a sparse mixture of experts. */
public interface FeedForward {

    /** x [batch, seq, hidden] -> [batch, seq, hidden]. */
    NDArray forward(NDArray x);

    /** Every Linear in execution order. */
    List<LinearLayer> linears();
}
