package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-batch inputs every decoder block shares: the additive attention mask [batch, 1, seq, seq] (0 where a query may
 * attend to a key, a very large negative value elsewhere: causal, padding and optional sliding window; with a KV cache
 * it is [batch, 1, seq, past + seq]) and the RoPE cos/sin tables [batch, 1, seq, headDim]. Closing it frees them.
 */
public final class BlockContext implements AutoCloseable {
    /** The additive value for a masked key (transformers uses the dtype's minimum). */
    public static final float MASKED = -Float.MAX_VALUE;

    private final NDArray mask;
    private final NDArray cos;
    private final NDArray sin;
    private final int batch;
    private final int seq;
    private final CastCache maskCast;
    private final CastCache cosCast;
    private final CastCache sinCast;

    public BlockContext(NDArray mask, NDArray cos, NDArray sin) {
        this.mask = mask;
        this.cos = cos;
        this.sin = sin;
        this.maskCast = new CastCache(mask);
        this.cosCast = new CastCache(cos);
        this.sinCast = new CastCache(sin);
        this.batch = Math.toIntExact(cos.getShape().get(0));
        this.seq = Math.toIntExact(cos.getShape().get(2));
    }

    /**
     * Builds the context for a batch.
     *
     * @param attentionMask [batch, seq] of 1 (real token) / 0 (padding), or null for all ones
     * @param positionIds [batch, seq] integer positions, or null for 0..seq-1 in every row
     * @param slidingWindow keys further back than this many positions are masked, or null for no window
     */
    public static BlockContext create(NDManager manager, RotaryEmbedding rope, int batch, int seq, NDArray attentionMask,
            NDArray positionIds, Integer slidingWindow) {
        return create(manager, rope, batch, seq, 0, attentionMask, positionIds, slidingWindow);
    }

    /**
     * Builds the context for {@code seq} new positions after {@code past} cached ones (incremental decoding).
     *
     * @param attentionMask [batch, past + seq] of 1/0 over all key positions, or null for all ones
     * @param positionIds [batch, seq] positions of the new tokens, or null for past..past+seq-1
     */
    public static BlockContext create(NDManager manager, RotaryEmbedding rope, int batch, int seq, int past,
            NDArray attentionMask, NDArray positionIds, Integer slidingWindow) {
        int keys = past + seq;
        long[] keep = attentionMask == null ? null : flat(attentionMask, batch, keys, "attention mask");
        long[] positions = positionIds == null ? defaultPositions(batch, seq, past) : flat(positionIds, batch, seq, "position ids");
        float[] additive = new float[batch * seq * keys];
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < seq; q++) {
                int i = past + q;
                int row = (b * seq + q) * keys;
                for (int j = 0; j < keys; j++) {
                    boolean allowed = j <= i && (keep == null || keep[b * keys + j] != 0)
                            && (slidingWindow == null || i - j < slidingWindow);
                    additive[row + j] = allowed ? 0f : MASKED;
                }
            }
        }
        NDArray[] cs = rope.cosSin(manager, positions, batch, seq);
        return new BlockContext(manager.create(additive, new Shape(batch, 1, seq, keys)), cs[0], cs[1]);
    }

    private static long[] defaultPositions(int batch, int seq, int past) {
        long[] p = new long[batch * seq];
        for (int i = 0; i < p.length; i++) {
            p[i] = past + i % seq;
        }
        return p;
    }

    private static long[] flat(NDArray a, int batch, int seq, String what) {
        if (a.getShape().size() != (long) batch * seq) {
            throw new IllegalArgumentException(what + " has shape " + a.getShape() + ", expected [" + batch + ", " + seq + "]");
        }
        return toLongs(a);
    }

    /** The values of an integer (or 0/1 float) array as long, without leaving a converted copy behind. */
    static long[] toLongs(NDArray a) {
        if (a.getDataType() == DataType.INT64) {
            return a.toLongArray();
        }
        try (NDArray l = a.toType(DataType.INT64, true)) {
            return l.toLongArray();
        }
    }

    public NDArray mask() {
        return mask;
    }

    public NDArray cos() {
        return cos;
    }

    public NDArray sin() {
        return sin;
    }

    /** The additive mask in the activations' dtype (masked keys become -inf in half precision). */
    public NDArray mask(DataType type) {
        return maskCast.as(type);
    }

    /** The cos table in the activations' dtype (a cached copy for half precision). */
    public NDArray cos(DataType type) {
        return cosCast.as(type);
    }

    /** The sin table in the activations' dtype (a cached copy for half precision). */
    public NDArray sin(DataType type) {
        return sinCast.as(type);
    }

    public int batch() {
        return batch;
    }

    public int seq() {
        return seq;
    }

    @Override
    public void close() {
        maskCast.release();
        cosCast.release();
        sinCast.release();
        mask.close();
        cos.close();
        sin.close();
    }
}
