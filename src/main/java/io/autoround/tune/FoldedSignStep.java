package io.autoround.tune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.autoround.engine.ScriptedFunctions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * SignRound's iteration with V's sign-SGD step folded into the fused INT backward (fp16 blocks, sign-SGD without
 * momentum, one micro-batch per iteration): V needs no gradient tensor and the step no pass of its own.
 */
final class FoldedSignStep {
    private static final String FP32_SUM = """
              def forward(self: __torch__.Fp32Sum,
                g: Tensor) -> Tensor:
                return torch.sum(g, dtype=6)
            """;

    private FoldedSignStep() {}

    /**
     * One iteration of a single micro-batch with V's sign-SGD step folded into the quant-dequant backward: forward,
     * loss, block backward, then one check that every fp16 weight gradient is finite (NaN returned, nothing changed,
     * when one is not), then {@code beforeStep} with the loss (the best-iterate rule copies the parameters that gave
     * it), then per layer the backward that steps V and accumulates the clipping scales' gradients.
     */
    static double iteration(TunableBlock block, List<LinearTuningParams> params,
            Map<String, UnaryOperator<NDArray>> inputQdq, NDArray inputs, NDArray targets, NDArray mask, int[] idx,
            float lossScale, float[] validPerSample, java.util.function.DoubleConsumer beforeStep,
            java.util.function.IntToDoubleFunction lrForBits) {
        double validTokens = 0;
        for (int i : idx) {
            validTokens += validPerSample[i];
        }
        try (NDScope scope = new NDScope()) {
            NDArray sel = inputs.getManager().create(idx);
            NDManager compute = block.weight(block.linearNames().get(0)).getManager();
            NDArray x = SignRoundBlockTuner.onDevice(inputs.get(sel), compute);
            NDArray y = SignRoundBlockTuner.onDevice(targets.get(sel), compute);
            NDArray m = SignRoundBlockTuner.onDevice(mask.get(sel), compute);
            NDManager dev = x.getManager();
            TuningProfile.mark("batch select", dev);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> leaves = new LinkedHashMap<>();
                for (LinearTuningParams p : params) {
                    NDArray leaf = IntQdqGradients.halfWeight(p, x.getDataType());
                    leaf.setRequiresGradient(true);
                    leaves.put(p.name, leaf);
                }
                TuningProfile.mark("qdq forward", dev);
                NDArray out = block.forward(x, leaves, inputQdq);
                TuningProfile.mark("block forward", dev);
                NDArray diff = out.stopGradient().toType(DataType.FLOAT32, false).sub(y.toType(DataType.FLOAT32, false))
                        .mul(m);
                NDArray lossArray = diff.square().mean();
                NDArray outGrad = diff.mul(m).mul(2f * lossScale / out.getShape().size()).toType(out.getDataType(), false);
                TuningProfile.mark("loss", dev);
                gc.backward(out.mul(outGrad).sum());
                TuningProfile.mark("block backward", dev);
                // a sum in fp32 of every fp16 weight gradient is finite exactly when each of them is
                NDArray check = lossArray.zerosLike();
                for (NDArray leaf : leaves.values()) {
                    NDArray g = leaf.getGradient();
                    if (g != null) {
                        check = check.add(ScriptedFunctions.call("Fp32Sum", FP32_SUM, g).singletonOrThrow());
                    }
                }
                float[] lossAndCheck = NDArrays.stack(new ai.djl.ndarray.NDList(lossArray, check)).toFloatArray();
                TuningProfile.mark("loss-scale check", dev);
                // the clipping scales get their gradient tensors before an overflow can be reported: the loss scale
                // clears those tensors when it rejects the iteration
                params.forEach(p -> IntQdqGradients.ensureScaleGradientStorage(p, gc));
                if (!Float.isFinite(lossAndCheck[1])) {
                    return Double.NaN;
                }
                double loss = validTokens > 0 ? lossAndCheck[0] / validTokens : lossAndCheck[0];
                beforeStep.accept(loss);
                TuningProfile.mark("best copy", dev);
                for (LinearTuningParams p : params) {
                    NDArray g = leaves.get(p.name).getGradient();
                    if (g != null) { // null: e.g. an expert no token was routed to, whose step would be zero
                        IntQdqGradients.backwardWithStep(p, g, gc, lrForBits.applyAsDouble(p.scheme.bits()));
                    }
                }
                TuningProfile.mark("qdq backward and V step", dev);
                return loss;
            }
        }
    }
}
