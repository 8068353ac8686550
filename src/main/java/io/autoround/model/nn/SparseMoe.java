package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.arch.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * Sparse mixture-of-experts block (Qwen3-MoE, Mixtral): router logits, softmax in fp32, top-k experts per token,
 * optional renormalization of the k weights, each expert run only on its tokens, outputs summed per token in
 * ascending expert order (the order transformers accumulates them). The routing weights stay in the autograd graph;
 * an expert that receives no token is not run.
 */
public final class SparseMoe implements FeedForward {
    private final LinearLayer router;
    private final List<GatedMlp> experts;
    private final int topK;
    private final boolean renormalize;

    public SparseMoe(LinearLayer router, List<GatedMlp> experts, int topK, boolean renormalize) {
        this.router = router;
        this.experts = List.copyOf(experts);
        this.topK = topK;
        this.renormalize = renormalize;
    }

    static SparseMoe load(Architecture arch, int block, CheckpointWeights w) {
        List<GatedMlp> experts = new ArrayList<>();
        for (int e = 0; e < arch.config().numExperts(); e++) {
            experts.add(GatedMlp.load(arch.expert(block, e), w));
        }
        return new SparseMoe(LinearLayer.load(arch.router(block), w), experts, arch.config().numExpertsPerTok(),
                arch.config().normTopkProb());
    }

    public LinearLayer router() {
        return router;
    }

    public List<GatedMlp> experts() {
        return experts;
    }

    @Override
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        long hidden = shape.get(shape.dimension() - 1);
        NDArray flat = x.reshape(-1, hidden);
        int tokens = Math.toIntExact(flat.getShape().get(0));
        NDManager m = x.getManager();
        // half precision: softmax in the compute dtype (torch accumulates it in fp32; a cast would cut the gradient)
        NDList top = router.forward(flat).softmax(-1).topK(topK, -1, true, true);
        NDArray weights = top.get(0);
        if (renormalize) {
            weights = weights.div(weights.sum(new int[] {-1}, true));
        }
        long[] chosen = top.get(1).toLongArray();
        NDArray flatWeights = weights.reshape(-1);

        // Group (token, slot) pairs by expert; rows of 'outputs' are stacked in expert order.
        List<NDArray> outputs = new ArrayList<>();
        long[][] rowOf = new long[tokens][topK];
        int[] filled = new int[tokens];
        int row = 0;
        for (int e = 0; e < experts.size(); e++) {
            List<Integer> slots = new ArrayList<>();
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < topK; j++) {
                    if (chosen[t * topK + j] == e) {
                        slots.add(t * topK + j);
                    }
                }
            }
            if (slots.isEmpty()) {
                continue;
            }
            long[] tokenIdx = new long[slots.size()];
            long[] slotIdx = new long[slots.size()];
            for (int i = 0; i < slots.size(); i++) {
                int flatSlot = slots.get(i);
                tokenIdx[i] = flatSlot / topK;
                slotIdx[i] = flatSlot;
            }
            NDArray in = flat.get(new NDIndex("{}", m.create(tokenIdx)));
            NDArray w = flatWeights.get(new NDIndex("{}", m.create(slotIdx))).expandDims(1);
            outputs.add(experts.get(e).forward(in).mul(w));
            for (long t : tokenIdx) {
                // experts are visited in ascending order, so column j of a token is its j-th expert by index
                rowOf[(int) t][filled[(int) t]++] = row++;
            }
        }
        NDArray stacked = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(new NDList(outputs), 0);
        NDArray sum = null;
        for (int j = 0; j < topK; j++) {
            long[] idx = new long[tokens];
            for (int t = 0; t < tokens; t++) {
                idx[t] = rowOf[t][j];
            }
            NDArray part = stacked.get(new NDIndex("{}", m.create(idx)));
            sum = sum == null ? part : sum.add(part);
        }
        return sum.reshape(shape);
    }

    @Override
    public List<LinearLayer> linears() {
        List<LinearLayer> out = new ArrayList<>();
        out.add(router);
        experts.forEach(e -> out.addAll(e.linears()));
        return out;
    }
}
