package io.autoround.tune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.autoround.engine.ScriptedFunctions;
import io.autoround.quant.NvFp4Quantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.ScaleDtype;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * SignRound for one block (reference-spec 1.6-1.10): every Linear gets a rounding offset V and min/max clipping
 * scales; each iteration samples a global batch, accumulates gradients of the masked output MSE over its
 * micro-batches, steps with signed gradient descent (optionally with momentum, or AdamW) under a linearly decaying
 * learning rate, and the parameters of the best-loss iteration are kept.
 */
public final class SignRoundBlockTuner {
    private static final String COPY_INTO = """
              def forward(self: __torch__.CopyInto,
                to: Tensor,
                source: Tensor) -> NoneType:
                _0 = torch.copy_(to, source)
                return None
            """;
    private final SignRoundSettings settings;
    private final DeviceIntFinalization finalization;
    private final boolean fusedStep;

    public SignRoundBlockTuner(SignRoundSettings settings) {
        this(settings, null, true);
    }

    private SignRoundBlockTuner(SignRoundSettings settings, DeviceIntFinalization finalization, boolean fusedStep) {
        if (settings.iters() <= 0) {
            throw new IllegalArgumentException("SignRound needs iters > 0, got " + settings.iters());
        }
        this.settings = settings;
        this.finalization = finalization;
        this.fusedStep = fusedStep;
    }

    /** This tuner without V's step folded into the backward (the test that holds both forms equal). */
    SignRoundBlockTuner withoutFusedStep() {
        return new SignRoundBlockTuner(settings, finalization, false);
    }

    /**
     * A tuner that also computes the final quantization of the layers it can on the tuning device (INT schemes, see
     * {@link DeviceIntFinalization}), so the weights and V never travel to the host; the results are bit-identical to
     * the scalar quantizer with the same precision and scale dtype.
     */
    public SignRoundBlockTuner withDeviceFinalization(Precision precision, ScaleDtype scaleDtype) {
        return new SignRoundBlockTuner(settings, new DeviceIntFinalization(precision, scaleDtype), fusedStep);
    }

    /**
     * Tunes {@code block}.
     *
     * @param schemes scheme per Linear to tune (others keep their weights)
     * @param inputs block inputs [n, seq, hidden]
     * @param targets fp reference outputs [n, seq, hidden]
     * @param mask valid-token mask [n, seq, 1] (1 = counts in the loss)
     * @param onIteration called after each iteration (progress)
     */
    public BlockTuningResult tune(TunableBlock block, Map<String, QuantScheme> schemes, NDArray inputs, NDArray targets,
            NDArray mask, IntConsumer onIteration) {
        return tune(block, schemes, Map.of(), inputs, targets, mask, onIteration);
    }

    /**
     * Tunes {@code block}; Linears whose scheme quantizes activations get their inputs fake-quantized in every
     * forward (losses included), as the reference's WrapperLinear does.
     *
     * @param actMax calibrated max |input| per Linear from the fp pass (needed by static NVFP4 activations)
     */
    public BlockTuningResult tune(TunableBlock block, Map<String, QuantScheme> schemes, Map<String, Float> actMax,
            NDArray inputs, NDArray targets, NDArray mask, IntConsumer onIteration) {
        // PyTorch's grad mode is per thread and DJL turns it off only on the thread that loaded the engine; the
        // in-place parameter updates below need it off on whatever thread runs the tuning (e.g. a service worker).
        if ("PyTorch".equals(inputs.getManager().getEngine().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
        // Parameters live where the block's weights live; cached activations may sit elsewhere (low_gpu_mem_usage
        // keeps them on the CPU) and are moved to the compute device one micro-batch at a time.
        NDManager manager = block.weight(block.linearNames().get(0)).getManager().newSubManager();
        // one optimizer per block: momentum buffers and Adam moments start fresh and are freed with the block
        try (manager; BlockOptimizer optimizer = BlockOptimizer.create(settings, manager)) {
            List<LinearTuningParams> params = new ArrayList<>();
            Map<String, Float> nvGlobal = fusedNvGlobalScales(block, schemes);
            for (String name : block.linearNames()) {
                QuantScheme s = schemes.get(name);
                if (s != null && !s.keepsFullPrecision()) {
                    params.add(new LinearTuningParams(manager, name, s, block.weight(name), settings.enableMinmaxTuning(),
                            nvGlobal.getOrDefault(name, Float.NaN), actMax.getOrDefault(name, Float.NaN),
                            actMinmaxTuningFromEnvironment()));
                }
            }
            if (params.isEmpty()) {
                return new BlockTuningResult(Map.of(), 0, 0, -1);
            }
            int n = Math.toIntExact(inputs.getShape().get(0));
            int micro = Math.min(settings.batchSize(), n);
            int global = Math.min(n, micro * settings.gradientAccumulateSteps());
            IndexSampler sampler = new IndexSampler(n, global, settings.seed());
            Map<String, UnaryOperator<NDArray>> inputQdq = inputQdq(params);
            float[] validPerSample = validTokensPerSample(mask);
            // a half-precision block (its cached inputs are fp16) backpropagates under a dynamic loss scale
            HalfPrecisionLossScale halfScale = inputs.getDataType() == DataType.FLOAT16
                    ? HalfPrecisionLossScale.forOutputElements(micro * inputs.getShape().size() / n)
                    : HalfPrecisionLossScale.off();
            List<NDArray> tuned = tunedArrays(params);
            TuningProfile.start(manager);
            double rtnLoss = evaluate(block, params, inputQdq, inputs, targets, mask, micro);
            TuningProfile.mark("evaluate", manager);
            if (!Double.isFinite(rtnLoss)) {
                throw new ArithmeticException("block output is " + rtnLoss + " on the calibration data (NaN/Inf in the "
                        + "weights or activations of " + block.linearNames().get(0) + "'s block); refusing to tune it");
            }
            // the best parameters stay on the tuning device: copying them to the host at every improvement would
            // move the whole block's V across the bus each time
            List<NDArray> best = copies(tuned, manager);
            BestIterate bestIterate = new BestIterate(settings, tuned, best);
            // V's step folded into the backward (no V gradient tensor) where it equals the separate step: fp16 blocks,
            // sign-SGD without momentum, one micro-batch per iteration, INT layers
            boolean foldStep = fusedStep && halfScale.enabled() && optimizer.ignoresGradientScale()
                    && optimizer instanceof SignSgd && global == micro && params.stream().allMatch(IntQdqGradients::covers);
            List<NDArray> stepped = foldStep ? scalesOf(params) : tuned;
            int iters = settings.iters();
            for (int it = 0; it < iters; it++) {
                int[] idx = sampler.next();
                double decay = 1.0 - (double) it / iters;
                double loss;
                final int iteration = it;
                do {
                    loss = foldStep
                            ? FoldedSignStep.iteration(block, params, inputQdq, inputs, targets, mask, idx,
                                    halfScale.factor(), validPerSample, l -> bestIterate.observe(iteration, l, iters),
                                    bits -> settings.lrFor(bits) * decay)
                            : accumulateGradients(block, params, inputQdq, inputs, targets, mask, idx, micro,
                                    halfScale.enabled() ? halfScale.factor() : optimizer.lossScale(), validPerSample);
                } while (!halfScale.accept(stepped, loss, !optimizer.ignoresGradientScale()));
                TuningProfile.mark("loss-scale check", manager);
                if (!foldStep) {
                    bestIterate.observe(it, loss, iters);
                }
                for (LinearTuningParams p : params) {
                    int bits = p.scheme.bits();
                    if (!foldStep) {
                        optimizer.step(p.v, settings.lrFor(bits) * decay);
                    }
                    for (NDArray scale : new NDArray[] {p.minScale, p.maxScale, p.actMaxScale}) {
                        if (scale != null) {
                            optimizer.stepClamped(scale, settings.minmaxLrFor(bits) * decay, 0f, 1f);
                        }
                    }
                }
                TuningProfile.mark("snapshot+step", manager);
                if (onIteration != null) {
                    onIteration.accept(it);
                }
                if (settings.dynamicMaxGap() > 0 && it - bestIterate.iteration() >= settings.dynamicMaxGap()) {
                    break;
                }
            }
            int bestIter = bestIterate.iteration();
            copyInto(best, tuned);
            best.forEach(NDArray::close);
            double tunedLoss = evaluate(block, params, inputQdq, inputs, targets, mask, micro);
            TuningProfile.mark("evaluate", manager);
            TuningProfile.report(block.linearNames().get(0));
            Map<String, TunedLinear> result = snapshot(block, params, finalization);
            TuningProfile.mark("final quantization on the device", manager);
            params.forEach(LinearTuningParams::close);
            return new BlockTuningResult(result, rtnLoss, tunedLoss, bestIter);
        }
    }

    /** The clipping scales (and act_max scales) of the layers: what the optimizer steps when V's step is folded. */
    private static List<NDArray> scalesOf(List<LinearTuningParams> params) {
        List<NDArray> out = new ArrayList<>();
        for (LinearTuningParams p : params) {
            for (NDArray a : new NDArray[] {p.minScale, p.maxScale, p.actMaxScale}) {
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** {@code to.copy_(from)} as one scripted call. */
    static void scriptedCopy(NDArray to, NDArray from) {
        ScriptedFunctions.update("CopyInto", COPY_INTO, new NDArray[] {to, from});
    }

    /** Every learnable array of the block's layers, in a fixed order. */
    private static List<NDArray> tunedArrays(List<LinearTuningParams> params) {
        List<NDArray> out = new ArrayList<>();
        for (LinearTuningParams p : params) {
            for (NDArray a : new NDArray[] {p.v, p.minScale, p.maxScale, p.actMaxScale}) {
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** Device-side copies of {@code arrays} on {@code manager}. */
    private static List<NDArray> copies(List<NDArray> arrays, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : arrays) {
            NDArray c = a.stopGradient().duplicate();
            c.attach(manager);
            out.add(c);
        }
        return out;
    }

    /**
     * Overwrites each of {@code to} with the matching array of {@code from}, on the device: one copy kernel each on
     * CUDA; on the CPU, where a TorchScript call costs more than it saves, two DJL ops.
     */
    static void copyInto(List<NDArray> from, List<NDArray> to) {
        for (int i = 0; i < from.size(); i++) {
            if (to.get(i).getDevice().isGpu()) {
                scriptedCopy(to.get(i), from.get(i));
            } else {
                to.get(i).muli(0f).addi(from.get(i));
            }
        }
    }

    /** Tokens of each sample that count in the loss, read once so the iterations need no host sync for them. */
    private static float[] validTokensPerSample(NDArray mask) {
        int n = Math.toIntExact(mask.getShape().get(0));
        float[] m = mask.toFloatArray();
        int per = m.length / n;
        float[] out = new float[n];
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < per; t++) {
                out[s] += m[s * per + t];
            }
        }
        return out;
    }

    /**
     * NVFP4 global scales fixed once per layer before tuning (reference-spec 2.6): fused q/k/v and gate/up share
     * the minimum, exactly as the final scalar quantization and the exporter derive them from the same weights.
     */
    private static Map<String, Float> fusedNvGlobalScales(TunableBlock block, Map<String, QuantScheme> schemes) {
        Map<String, float[]> nv = new LinkedHashMap<>();
        for (String name : block.linearNames()) {
            QuantScheme s = schemes.get(name);
            if (s != null && !s.keepsFullPrecision() && TunableDataType.of(s) == TunableDataType.NV_FP) {
                nv.put(name, block.weight(name).toFloatArray());
            }
        }
        return nv.isEmpty() ? Map.of() : NvFp4Quantizer.fusedGlobalScales(nv);
    }

    /** Forward + backward over the micro-batches of one global batch; returns the reference's logged loss. */
    private double accumulateGradients(TunableBlock block, List<LinearTuningParams> params,
            Map<String, UnaryOperator<NDArray>> inputQdq, NDArray inputs, NDArray targets, NDArray mask, int[] idx,
            int micro, float lossScale, float[] validPerSample) {
        double total = 0;
        double validTokens = 0;
        for (int i : idx) {
            validTokens += validPerSample[i];
        }
        for (int start = 0; start < idx.length; start += micro) {
            int end = Math.min(idx.length, start + micro);
            try (NDScope scope = new NDScope()) {
                NDArray sel = inputs.getManager().create(java.util.Arrays.copyOfRange(idx, start, end));
                NDManager compute = block.weight(block.linearNames().get(0)).getManager();
                NDArray x = onDevice(inputs.get(sel), compute);
                NDArray y = onDevice(targets.get(sel), compute);
                NDArray m = onDevice(mask.get(sel), compute);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    if (x.getDataType() == DataType.FLOAT32) {
                        NDArray loss = maskedMse(block.forward(x, qdqWeights(params), inputQdq), y, m);
                        gc.backward(loss.mul(lossScale));
                        total += loss.getFloat();
                    } else {
                        total += halfPrecisionBackward(gc, block, params, inputQdq, x, y, m, lossScale);
                    }
                }
            }
        }
        return validTokens > 0 ? total / validTokens : total;
    }

    /**
     * Forward and backward of a half-precision block under {@code lossScale}; returns the fp32 masked MSE, or NaN when
     * the fp16 gradients overflowed. DJL's dtype casts carry no gradient, so the two casts that autocast places in the
     * graph are bridged by hand: the block runs on fp16 copies of the fake-quantized weights made leaves of their own,
     * the loss gradient 2 m (y' - y) / N is computed in fp32 and fed to the fp16 output, and the leaves' gradients go
     * back to V and the min/max scales: through the written-out INT backward ({@link IntQdqGradients}), or for the
     * other data types through a second autograd pass over the fp32 quant-dequant.
     */
    private static double halfPrecisionBackward(GradientCollector gc, TunableBlock block, List<LinearTuningParams> params,
            Map<String, UnaryOperator<NDArray>> inputQdq, NDArray x, NDArray y, NDArray m, float lossScale) {
        NDManager dev = x.getManager();
        TuningProfile.mark("batch select", dev);
        Map<String, NDArray> qdq = new LinkedHashMap<>(); // the autograd quant-dequant of layers not written out
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        for (LinearTuningParams p : params) {
            NDArray leaf;
            if (IntQdqGradients.covers(p)) {
                leaf = IntQdqGradients.halfWeight(p, x.getDataType());
            } else {
                NDArray w = p.qdqWeight();
                qdq.put(p.name, w);
                leaf = w.stopGradient().toType(x.getDataType(), false);
            }
            leaf.setRequiresGradient(true);
            leaves.put(p.name, leaf);
        }
        TuningProfile.mark("qdq forward", dev);
        NDArray out = block.forward(x, leaves, inputQdq);
        TuningProfile.mark("block forward", dev);
        NDArray diff = out.stopGradient().toType(DataType.FLOAT32, false).sub(y.toType(DataType.FLOAT32, false)).mul(m);
        NDArray lossArray = diff.square().mean();
        float factor = 2f * lossScale / out.getShape().size();
        NDArray outGrad = diff.mul(m).mul(factor).toType(out.getDataType(), false);
        TuningProfile.mark("loss", dev);
        gc.backward(out.mul(outGrad).sum());
        TuningProfile.mark("block backward", dev);
        // sum(w' * g) over the autograd layers and the per-group sums of the written-out ones are finite exactly when
        // every fp16 weight gradient is (0 * inf and inf - inf are NaN): one scalar tells the loss scale about overflow
        NDArray chain = null;
        NDArray check = null;
        for (LinearTuningParams p : params) {
            NDArray leafGrad = leaves.get(p.name).getGradient();
            if (leafGrad == null) {
                continue; // e.g. an expert no token was routed to
            }
            NDArray term = IntQdqGradients.covers(p) ? IntQdqGradients.backward(p, leafGrad, gc).sum()
                    : qdq.get(p.name).mul(leafGrad.toType(DataType.FLOAT32, false)).sum();
            if (!IntQdqGradients.covers(p)) {
                chain = chain == null ? term : chain.add(term);
            }
            check = check == null ? term.stopGradient() : check.add(term.stopGradient());
        }
        TuningProfile.mark("qdq backward", dev);
        float[] lossAndCheck = NDArrays.stack(new ai.djl.ndarray.NDList(lossArray,
                check == null ? lossArray.zerosLike() : check)).toFloatArray();
        TuningProfile.mark("loss-scale check", dev);
        if (!Float.isFinite(lossAndCheck[1])) {
            return Double.NaN; // an overflowed batch never reaches the autograd layers' gradients; accept() clears the rest
        }
        if (chain != null) {
            gc.backward(chain);
        }
        TuningProfile.mark("qdq backward (autograd layers)", dev);
        return lossAndCheck[0];
    }

    /** {@code a} on the device of {@code target} (the same array when it is already there). */
    public static NDArray onDevice(NDArray a, NDManager target) {
        return a.getDevice().equals(target.getDevice()) ? a : a.toDevice(target.getDevice(), false);
    }

    /**
     * Mean squared error over all elements with masked positions zeroed (the reference keeps the full count), in fp32
     * whatever the block's compute dtype (the reference casts both sides to fp32 too).
     */
    static NDArray maskedMse(NDArray pred, NDArray target, NDArray mask) {
        NDArray p = pred.toType(DataType.FLOAT32, false);
        NDArray t = target.toType(DataType.FLOAT32, false);
        return p.mul(mask).sub(t.mul(mask)).square().mean();
    }

    private static Map<String, NDArray> qdqWeights(List<LinearTuningParams> params) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (LinearTuningParams p : params) {
            w.put(p.name, p.qdqWeight());
        }
        return w;
    }

    /** The input quant-dequant of every tuned Linear whose scheme quantizes activations. */
    private static Map<String, UnaryOperator<NDArray>> inputQdq(List<LinearTuningParams> params) {
        Map<String, UnaryOperator<NDArray>> out = new LinkedHashMap<>();
        for (LinearTuningParams p : params) {
            UnaryOperator<NDArray> f = p.inputQdq();
            if (f != null) {
                out.put(p.name, f);
            }
        }
        return out;
    }

    /** The reference's AR_ENABLE_ACT_MINMAX_TUNING: also tune act_max_scale of dynamic activation quantization. */
    static boolean actMinmaxTuningFromEnvironment() {
        String v = System.getenv("AR_ENABLE_ACT_MINMAX_TUNING");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    /** Masked MSE over all samples (no gradients), averaged per micro-batch, activation quant-dequant included. */
    private static double evaluate(TunableBlock block, List<LinearTuningParams> params,
            Map<String, UnaryOperator<NDArray>> inputQdq, NDArray inputs, NDArray targets, NDArray mask, int micro) {
        int n = Math.toIntExact(inputs.getShape().get(0));
        double sum = 0;
        int batches = 0;
        // the parameters do not change during an evaluation: their fake-quantized weights are made once, in the
        // block's compute dtype where the fused functions cover the layer (the fp32 chain's temporaries were the
        // largest GPU memory peak of a block; the values are the same, cast once instead of per forward)
        try (NDScope weights = new NDScope()) {
            Map<String, NDArray> w = evaluationWeights(params, inputs.getDataType());
            for (int start = 0; start < n; start += micro) {
                try (NDScope scope = new NDScope()) {
                    String range = start + ":" + Math.min(n, start + micro);
                    NDArray x = onDevice(inputs.get(range), block.weight(block.linearNames().get(0)).getManager());
                    NDArray y = onDevice(targets.get(range), x.getManager());
                    NDArray m = onDevice(mask.get(range), x.getManager());
                    sum += maskedMse(block.forward(x, w, inputQdq), y, m).getFloat();
                    batches++;
                }
            }
        }
        return sum / batches;
    }

    /** The fake-quantized weights for an evaluation: fp16 straight from the fused functions for half-precision blocks. */
    private static Map<String, NDArray> evaluationWeights(List<LinearTuningParams> params, DataType compute) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        for (LinearTuningParams p : params) {
            w.put(p.name, compute == DataType.FLOAT16 && IntQdqGradients.covers(p)
                    ? IntQdqGradients.halfWeight(p, compute) : p.qdqWeight().stopGradient());
        }
        return w;
    }

    /** The tuned parameters for the host, or the final quantization where {@code finalization} covers a layer. */
    private static Map<String, TunedLinear> snapshot(TunableBlock block, List<LinearTuningParams> params,
            DeviceIntFinalization finalization) {
        Map<String, TunedLinear> out = new LinkedHashMap<>();
        for (LinearTuningParams p : params) {
            if (finalization != null && finalization.covers(p)) {
                out.put(p.name, new TunedLinear(p.name, null, null, null, p.actMaxScaleValue(),
                        finalization.finish(p, block.weight(p.name).getManager())));
                continue;
            }
            out.put(p.name, new TunedLinear(p.name, p.offsetsRowMajor(),
                    p.minScale == null ? null : p.minScale.toFloatArray(),
                    p.maxScale == null ? null : p.maxScale.toFloatArray(), p.actMaxScaleValue()));
        }
        return out;
    }

}
