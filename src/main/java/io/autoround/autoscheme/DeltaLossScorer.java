package io.autoround.autoscheme;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.data.CalibrationSet;
import io.autoround.engine.OffHeapArrays;
import io.autoround.model.nn.BlockContext;
import io.autoround.model.nn.DecoderBlock;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.LinearLayer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.WeightQuantizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's "delta loss" sensitivity (reference-spec 4.3): with one option applied to every candidate layer
 * (RTN, no tuning), the calibration text runs through the quantized model, the language-model cross-entropy is
 * back-propagated, and each layer scores {@code sum |dL/dW' * (W - W')|}, a first-order estimate of the loss change
 * the option causes. As the reference's low_gpu_mem_usage path: one forward captures each block's input, the head's
 * backward gives the last block's output gradient, then blocks are replayed in reverse one at a time (recompute,
 * backward with the captured output gradient, hand the input gradient to the block before).
 */
public final class DeltaLossScorer {
    private final DecoderModel model;
    private final CalibrationSet calibration;
    private final int batchSize;
    private final java.util.function.BooleanSupplier stop;

    /** @param stop asked before every block (forward and backward): true ends the search with a CancellationException */
    public DeltaLossScorer(DecoderModel model, CalibrationSet calibration, int batchSize,
            java.util.function.BooleanSupplier stop) {
        this.model = model;
        this.calibration = calibration;
        this.batchSize = Math.max(1, batchSize);
        this.stop = stop;
    }

    private void checkStop() {
        if (stop.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("quantization cancelled");
        }
    }

    /**
     * Scores of every layer in {@code schemes} (layer name to the scheme of the option being scored; 16-bit
     * entries score 0 since they change nothing). Returns layer name to score, NaN gradients skipped.
     */
    public Map<String, Double> score(Map<String, QuantScheme> schemes) {
        Map<String, Double> scores = new LinkedHashMap<>();
        schemes.keySet().forEach(n -> scores.put(n, 0.0));
        Map<String, float[]> qdq = new HashMap<>(); // W' per layer, made once per option
        for (List<int[]> batch : calibration.batches(batchSize)) {
            try (NDManager scope = model.manager().newSubManager()) {
                scoreBatch(scope, batch, schemes, qdq, scores);
            }
        }
        return scores;
    }

    private void scoreBatch(NDManager scope, List<int[]> batch, Map<String, QuantScheme> schemes,
            Map<String, float[]> qdq, Map<String, Double> scores) {
        int b = batch.size();
        int seq = calibration.seqlen();
        long[] ids = new long[b * seq];
        for (int s = 0; s < b; s++) {
            for (int t = 0; t < seq; t++) {
                ids[s * seq + t] = batch.get(s)[t];
            }
        }
        NDArray idArray = scope.create(ids, new Shape(b, seq));
        BlockContext ctx = model.context(scope, b, seq, null);
        // forward without gradients, keeping every block's input
        List<NDArray> inputs = new ArrayList<>();
        NDArray x = model.embed(idArray);
        for (int k = 0; k < model.numBlocks(); k++) {
            checkStop();
            inputs.add(x);
            DecoderBlock block = model.block(k);
            try (NDManager step = scope.newSubManager()) {
                install(block.linears(), schemes, qdq, step, false);
                x.tempAttach(step); // the block's intermediates go to step and are freed with it
                NDArray y = block.forward(x, ctx);
                y.attach(scope);
                x = y;
            } finally {
                block.clearOverrides();
                model.releaseBlock(k);
            }
        }
        NDArray grad = headBackward(scope, x, idArray, schemes, qdq, scores);
        for (int k = model.numBlocks() - 1; k >= 0; k--) {
            checkStop();
            DecoderBlock block = model.block(k);
            try (NDManager step = scope.newSubManager()) {
                NDArray in = inputs.get(k).duplicate();
                in.attach(step);
                in.setRequiresGradient(true);
                Map<String, NDArray> leaves = install(block.linears(), schemes, qdq, step, true);
                NDArray g;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = block.forward(in, ctx);
                    gc.backward(out.mul(grad).sum());
                    accumulate(block.linears(), leaves, scores);
                    g = in.getGradient().duplicate();
                }
                g.attach(scope);
                grad.close();
                grad = g;
            } finally {
                block.clearOverrides();
                model.releaseBlock(k);
            }
            inputs.get(k).close();
        }
    }

    /** Cross-entropy of the next token (labels = input ids) through norm and head; returns dL/d(last hidden). */
    private NDArray headBackward(NDManager scope, NDArray hidden, NDArray ids, Map<String, QuantScheme> schemes,
            Map<String, float[]> qdq, Map<String, Double> scores) {
        LinearLayer head = model.lmHead();
        Map<String, LinearLayer> heads = Map.of(head.name(), head);
        try (NDManager step = scope.newSubManager()) {
            NDArray h = hidden.duplicate();
            h.attach(step);
            h.setRequiresGradient(true);
            Map<String, NDArray> leaves = install(heads, schemes, qdq, step, true);
            int b = Math.toIntExact(ids.getShape().get(0));
            int seq = Math.toIntExact(ids.getShape().get(1));
            NDArray next = ids.get(":, 1:");
            next.attach(step);
            NDArray labels = next.oneHot(model.config().vocabSize()).toType(DataType.FLOAT32, false);
            NDArray g;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logp = model.head(h).get(":, :-1, :").logSoftmax(-1);
                NDArray loss = logp.mul(labels).sum().neg().div((float) b * (seq - 1));
                gc.backward(loss);
                accumulate(heads, leaves, scores);
                g = h.getGradient().duplicate();
            }
            g.attach(scope);
            return g;
        } finally {
            head.clearOverride();
        }
    }

    /**
     * Replaces each candidate layer's weight by its RTN quant-dequant W' (made on first use); with
     * {@code leaves} the W' arrays require gradients and are returned by layer name.
     */
    private static Map<String, NDArray> install(Map<String, LinearLayer> layers, Map<String, QuantScheme> schemes,
            Map<String, float[]> qdq, NDManager step, boolean leaves) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, LinearLayer> e : layers.entrySet()) {
            QuantScheme s = schemes.get(e.getKey());
            if (s == null || s.keepsFullPrecision()) {
                continue;
            }
            LinearLayer l = e.getValue();
            int rows = l.spec().outFeatures();
            int cols = l.spec().inFeatures();
            float[] w = qdq.computeIfAbsent(e.getKey(), n -> WeightQuantizer.quantize(n, l.weightAsFloats(), rows, cols,
                    s, QuantOptions.rtn(Precision.FP32)).dequantized());
            NDArray wq = OffHeapArrays.fp32(step, w, new Shape(rows, cols));
            if (leaves) {
                wq.setRequiresGradient(true);
                out.put(e.getKey(), wq);
            }
            l.setWeightOverride(wq);
        }
        return out;
    }

    /** Adds sum |g * (W - W')| of each leaf to its layer's score (a NaN gradient is skipped, as the reference does). */
    private static void accumulate(Map<String, LinearLayer> layers, Map<String, NDArray> leaves, Map<String, Double> scores) {
        for (Map.Entry<String, NDArray> e : leaves.entrySet()) {
            NDArray g = e.getValue().getGradient();
            if (g == null) {
                continue;
            }
            NDArray w = layers.get(e.getKey()).originalWeight();
            // on the leaf's (step) manager: |W' - W| = |W - W'|
            double v = e.getValue().stopGradient().sub(w).mul(g).abs().sum().getFloat();
            if (!Double.isNaN(v)) {
                scores.merge(e.getKey(), v, Double::sum);
            }
        }
    }
}
