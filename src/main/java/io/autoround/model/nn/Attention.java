package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.autoround.model.arch.Architecture;
import io.autoround.model.config.ModelConfig;

/**
 * Grouped-query causal self-attention: q/k/v projections (optional biases), optional per-head q/k RMSNorm before
 * RoPE (Qwen3), softmax(q k^T / sqrt(d) + mask) v, then o_proj. Key/value heads are repeated to the query heads.
 */
public final class Attention {
    private final LinearLayer q;
    private final LinearLayer k;
    private final LinearLayer v;
    private final LinearLayer o;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scaling;

    Attention(ModelConfig config, LinearLayer q, LinearLayer k, LinearLayer v, LinearLayer o, RmsNorm qNorm, RmsNorm kNorm) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.heads = config.numAttentionHeads();
        this.kvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        this.scaling = (float) Math.pow(headDim, -0.5);
    }

    static Attention load(Architecture arch, int block, CheckpointWeights w) {
        ModelConfig c = arch.config();
        RmsNorm qn = null;
        RmsNorm kn = null;
        if (arch.spec().qkNorm()) {
            String p = arch.blockName(block) + ".self_attn.";
            qn = RmsNorm.load(p + "q_norm", c.headDim(), c.rmsNormEps(), w);
            kn = RmsNorm.load(p + "k_norm", c.headDim(), c.rmsNormEps(), w);
        }
        return new Attention(c, LinearLayer.load(arch.q(block), w), LinearLayer.load(arch.k(block), w),
                LinearLayer.load(arch.v(block), w), LinearLayer.load(arch.o(block), w), qn, kn);
    }

    public LinearLayer q() {
        return q;
    }

    public LinearLayer k() {
        return k;
    }

    public LinearLayer v() {
        return v;
    }

    public LinearLayer o() {
        return o;
    }

    /** x [batch, seq, hidden] -> [batch, seq, hidden]. */
    public NDArray forward(NDArray x, BlockContext ctx) {
        return forward(x, ctx, null, -1);
    }

    /** As {@link #forward(NDArray, BlockContext)}, attending also to (and extending) the cached positions of a layer. */
    public NDArray forward(NDArray x, BlockContext ctx, KvCache cache, int layer) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        NDArray qh = heads(q.forward(x), qNorm, b, s, heads);
        NDArray kh = heads(k.forward(x), kNorm, b, s, kvHeads);
        NDArray vh = heads(v.forward(x), null, b, s, kvHeads);
        DataType t = x.getDataType();
        qh = RotaryEmbedding.apply(qh, ctx.cos(t), ctx.sin(t));
        kh = RotaryEmbedding.apply(kh, ctx.cos(t), ctx.sin(t));
        if (cache != null) {
            NDArray[] full = cache.append(layer, kh, vh);
            kh = full[0];
            vh = full[1];
        }
        NDArray out = attend(qh, repeatKv(kh), repeatKv(vh), ctx.mask(t));
        return o.forward(out.transpose(0, 2, 1, 3).reshape(b, s, (long) heads * headDim));
    }

    /** [b, s, n*d] -> [b, n, s, d], normalized per head when a norm is given. */
    private NDArray heads(NDArray projected, RmsNorm norm, long b, long s, int n) {
        NDArray h = projected.reshape(b, s, n, headDim);
        if (norm != null) {
            h = norm.forward(h);
        }
        return h.transpose(0, 2, 1, 3);
    }

    private NDArray repeatKv(NDArray x) {
        int rep = heads / kvHeads;
        if (rep == 1) {
            return x;
        }
        long b = x.getShape().get(0);
        long s = x.getShape().get(2);
        return x.expandDims(2).broadcast(b, kvHeads, rep, s, headDim).reshape(b, heads, s, headDim);
    }

    /**
     * Scaled dot-product attention with an additive mask. fp32 as transformers computes it; half precision scales q
     * before the product (the raw scores could exceed fp16's range) and relies on torch's softmax accumulating in
     * fp32 internally (DJL's casts carry no gradient, so the fp32 detour transformers takes is not available).
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        if (q.getDataType() == DataType.FLOAT32) {
            return q.matMul(k.transpose(0, 1, 3, 2)).mul(scaling).add(mask).softmax(-1).matMul(v);
        }
        return q.mul(scaling).matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1).matMul(v);
    }

    /** Frees the q/k norm weights' copies made for another compute dtype (the projections free their own). */
    void releaseCastCopies() {
        if (qNorm != null) {
            qNorm.releaseCastCopies();
            kNorm.releaseCastCopies();
        }
    }
}
