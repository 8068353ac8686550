package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.autoround.model.nn.BlockContext;
import io.autoround.model.nn.DecoderBlock;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.LinearLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Runs decoder blocks on cached calibration activations [n, seq, hidden] in micro-batches without gradients,
 * with one attention context per micro-batch size, freeing every intermediate. Also adapts a block to the tuner.
 */
public final class BlockRunner implements AutoCloseable {
    private final DecoderModel model;
    private final NDManager manager;
    private final int seq;
    private final Map<Integer, BlockContext> contexts = new HashMap<>();

    public BlockRunner(DecoderModel model, NDManager manager, int seq) {
        this.model = model;
        this.manager = manager;
        this.seq = seq;
    }

    /** The causal context for a micro-batch of {@code batch} full-length samples. */
    public BlockContext context(int batch) {
        return contexts.computeIfAbsent(batch, b -> {
            BlockContext ctx = model.context(model.manager(), b, seq, null);
            // contexts outlive the NDScope of the forward that first needed them
            for (NDArray a : new NDArray[] {ctx.mask(), ctx.cos(), ctx.sin()}) {
                if (a != null) {
                    NDScope.unregister(a);
                }
            }
            return ctx;
        });
    }

    /** block(x) for all samples, {@code micro} at a time; the result lives on the runner's manager. */
    public NDArray run(DecoderBlock block, NDArray x, int micro) {
        return run(List.of(block), x, micro);
    }

    /** Consecutive blocks applied in order (a group tuned together with {@code nblocks > 1}). */
    public NDArray run(List<DecoderBlock> blocks, NDArray x, int micro) {
        int n = Math.toIntExact(x.getShape().get(0));
        List<NDArray> parts = new ArrayList<>();
        for (int start = 0; start < n; start += micro) {
            int end = Math.min(n, start + micro);
            try (NDScope scope = new NDScope()) {
                BlockContext ctx = context(end - start);
                NDArray out = SignRoundBlockTuner.onDevice(x.get(start + ":" + end), model.manager());
                for (DecoderBlock block : blocks) {
                    out = block.forward(out, ctx);
                }
                out = SignRoundBlockTuner.onDevice(out, manager);
                NDScope.unregister(out);
                out.attach(manager);
                parts.add(out);
            }
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
        if (parts.size() > 1) {
            parts.forEach(NDArray::close);
        }
        return all;
    }

    /** The tuner's view of a block: its quantized Linears, forwarded with replacement weights. */
    public TunableBlock tunable(DecoderBlock block, List<String> linearNames) {
        return tunable(List.of(block), linearNames);
    }

    /** The owner of a Linear among {@code blocks}. */
    public static DecoderBlock blockOf(List<DecoderBlock> blocks, String linearName) {
        for (DecoderBlock b : blocks) {
            if (b.linears().containsKey(linearName)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no block of the group holds Linear '" + linearName + "'");
    }

    /** The tuner's view of consecutive blocks tuned jointly. */
    public TunableBlock tunable(List<DecoderBlock> blocks, List<String> linearNames) {
        return new TunableBlock() {
            @Override
            public List<String> linearNames() {
                return linearNames;
            }

            @Override
            public NDArray weight(String name) {
                return blockOf(blocks, name).linear(name).originalWeight();
            }

            @Override
            public NDArray forward(NDArray hidden, Map<String, NDArray> weights) {
                return forward(hidden, weights, Map.of());
            }

            @Override
            public NDArray forward(NDArray hidden, Map<String, NDArray> weights,
                    Map<String, UnaryOperator<NDArray>> inputQdq) {
                Map<String, LinearLayer> touched = new LinkedHashMap<>();
                weights.forEach((name, w) -> {
                    LinearLayer l = blockOf(blocks, name).linear(name);
                    l.setWeightOverride(w);
                    touched.put(name, l);
                });
                inputQdq.forEach((name, f) -> {
                    LinearLayer l = blockOf(blocks, name).linear(name);
                    l.setInputTransform(f);
                    touched.put(name, l);
                });
                try {
                    BlockContext ctx = context(Math.toIntExact(hidden.getShape().get(0)));
                    NDArray out = hidden;
                    for (DecoderBlock block : blocks) {
                        out = block.forward(out, ctx);
                    }
                    return out;
                } finally {
                    touched.values().forEach(l -> {
                        l.clearOverride();
                        l.setInputTransform(null);
                    });
                }
            }
        };
    }

    @Override
    public void close() {
        contexts.values().forEach(BlockContext::close);
        contexts.clear();
    }
}
