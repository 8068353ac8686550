package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.testutil.SharedData;
import org.junit.jupiter.api.Test;

/**
 * What SignRound needs from a block: a weight function (W + V, V a learnable leaf) inside a gradient collector gives
 * V a gradient, including through the MoE routing weights (router) and the experts.
 */
class AutogradThroughBlockTest {

    @Test
    void gradientsReachWeightFunctionsOfAttentionRouterAndExperts() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/qwen3_moe"));
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            DecoderBlock block = model.block(0);
            String[] names = {"self_attn.q_proj", "mlp.gate", "mlp.experts.0.down_proj", "mlp.experts.1.up_proj"};
            NDArray[] deltas = new NDArray[names.length];
            for (int i = 0; i < names.length; i++) {
                LinearLayer layer = block.linear(names[i]);
                NDArray v = m.zeros(layer.originalWeight().getShape());
                v.setRequiresGradient(true);
                deltas[i] = v;
                layer.setWeightFunction(() -> layer.originalWeight().add(v));
            }
            long[] ids = new long[32];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 37 + 11) % 512;
            }
            NDArray idArray = m.create(ids, new Shape(2, 16));
            try (NDManager scope = m.newSubManager()) {
                BlockContext ctx = model.context(scope, 2, 16, null);
                NDArray x = model.embed(idArray);
                x.attach(scope);
                NDArray reference = block.forward(x, ctx);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = block.forward(x, ctx);
                    gc.backward(out.sub(reference.stopGradient().mul(0.9f)).square().mean());
                }
                for (int i = 0; i < names.length; i++) {
                    NDArray g = deltas[i].getGradient();
                    assertEquals(deltas[i].getShape(), g.getShape());
                    float norm = g.abs().sum().getFloat();
                    assertTrue(norm > 0, names[i] + " got no gradient");
                }
            }
            block.clearOverrides();
        }
    }
}
