package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import io.autoround.engine.ScriptedFunctions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * softmax(q k^T * scale + mask) v as libtorch's fused {@code scaled_dot_product_attention}, called through a
 * TorchScript function (DJL has no binding for it), for the GPU: there it runs a memory-efficient attention kernel
 * that never writes the [batch, heads, seq, seq] scores and probabilities, forward or backward, where the op chain
 * wrote and read them several times; transformers' default attention is this op too. Autograd records through it.
 */
final class ScaledDotProductAttention {
    private static final Map<Float, String> SOURCES = new ConcurrentHashMap<>();

    private ScaledDotProductAttention() {}

    /** q [b, h, s, d], k/v [b, h, t, d] (heads already repeated), mask additive [.., s, t] in q's dtype. */
    static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        String cls = className(scale);
        String source = SOURCES.computeIfAbsent(scale, s -> "  def forward(self: __torch__." + cls + ",\n"
                + "    q: Tensor,\n    k: Tensor,\n    v: Tensor,\n    mask: Tensor) -> Tensor:\n"
                + "    return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale="
                + String.format(Locale.ROOT, "%.9e", (double) s) + ")\n");
        return ScriptedFunctions.call(cls, source, q, k, v, mask).singletonOrThrow();
    }

    private static String className(float scale) {
        return "ScaledDotProductAttention" + Integer.toHexString(Float.floatToRawIntBits(scale));
    }
}
