package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.autoround.model.arch.LinearSpec;
import java.util.List;

/** SwiGLU MLP: {@code down(silu(gate(x)) * up(x))}. Also one expert of a sparse MoE block. */
public final class GatedMlp implements FeedForward {
    private final LinearLayer gate;
    private final LinearLayer up;
    private final LinearLayer down;

    public GatedMlp(LinearLayer gate, LinearLayer up, LinearLayer down) {
        this.gate = gate;
        this.up = up;
        this.down = down;
    }

    /** Loads from specs ordered gate, up, down. */
    static GatedMlp load(List<LinearSpec> gateUpDown, CheckpointWeights w) {
        return new GatedMlp(LinearLayer.load(gateUpDown.get(0), w), LinearLayer.load(gateUpDown.get(1), w),
                LinearLayer.load(gateUpDown.get(2), w));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray g = gate.forward(x);
        return down.forward(g.mul(Activation.sigmoid(g)).mul(up.forward(x)));
    }

    @Override
    public List<LinearLayer> linears() {
        return List.of(gate, up, down);
    }
}
