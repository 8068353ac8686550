package io.autoround.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.data.CalibrationSet;
import io.autoround.engine.OffHeapArrays;
import io.autoround.engine.TuningPrecision;
import io.autoround.model.arch.LinearSpec;
import io.autoround.model.nn.DecoderBlock;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.nn.LinearLayer;
import io.autoround.quant.OptRtnWeighting;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.TuningParams;
import io.autoround.tune.BlockRunner;
import io.autoround.tune.BlockTuningResult;
import io.autoround.tune.SignRoundBlockTuner;
import io.autoround.tune.SignRoundSettings;
import io.autoround.tune.TunedLinear;
import io.autoround.tune.TuningProfile;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The calibrated flow (reference-spec 1.3-1.4): embeddings of the calibration samples are the first block's input;
 * each block's fp outputs on fp inputs are the targets; the block is tuned (SignRound) or its layers get the
 * importance-weighted scale search (optimized RTN); the block with its final weights then produces the next
 * block's quantized input. Each block's packed layers go to the sinks as soon as they are final.
 */
final class BlockwisePass {
    private final RunPlan plan;
    private final DecoderModel model;
    private final CalibrationSet calibration;
    private final ProgressListener listener;
    private final PrintStream log;
    private final ActivationCalibration activations;

    BlockwisePass(RunPlan plan, DecoderModel model, CalibrationSet calibration, ProgressListener listener, PrintStream log) {
        this.plan = plan;
        this.model = model;
        this.calibration = calibration;
        this.listener = listener;
        this.log = log;
        this.activations = new ActivationCalibration(plan.precision());
    }

    List<BlockReport> run(WeightSink sink) {
        QuantizeOptions o = plan.options();
        int n = calibration.size();
        int seq = calibration.seqlen();
        int micro = Math.min(o.batchSizeOrDefault(), n);
        List<BlockReport> reports = new ArrayList<>();
        // low_gpu_mem_usage: cached block inputs/outputs stay on the CPU between uses (no-op when tuning on the CPU)
        NDManager cache = o.lowGpuMemUsage ? NDManager.newBaseManager(ai.djl.Device.cpu(), model.manager().getEngine().getEngineName())
                : model.manager().newSubManager();
        TuningPrecision precision = precision();
        ai.djl.Device device = model.manager().getDevice();
        // which device each phase of the calibrated pass uses (issue 12: say it, do not make the user guess)
        log.println("calibration forward passes on " + device + (o.lowGpuMemUsage && device.isGpu()
                ? " (cached block inputs/outputs on the host: low_gpu_mem_usage)" : ""));
        if (plan.algorithm() == Algorithm.SIGN_ROUND) {
            log.println("tuning on " + device + " in " + precision.reason());
            log.println("final quantization of INT layers on " + device + ", other data types on the host; packing "
                    + "and writing on the host, overlapped with the next block");
        } else {
            log.println((plan.algorithm() == Algorithm.OPT_RTN ? "scale search (optimized RTN)" : "round-to-nearest")
                    + " on the host CPU");
        }
        // the writer thread is stopped before the cache and the runner are released, and before the caller's sinks close
        try (NDManager manager = cache; BlockRunner runner = new BlockRunner(model, manager, seq);
                PipelinedSink writer = new PipelinedSink(sink)) {
            // block inputs and outputs are cached in the compute dtype, as the reference caches them in its AMP dtype
            NDArray xFp = embed(manager, seq, precision.dtype());
            NDArray xQ = null;
            NDArray mask = lossMask(manager, n, seq);
            int group = Math.max(1, o.nblocks);
            TuningProfile.memory("before block 0 (embeddings, cached inputs)", model.manager());
            for (int b = 0; b < model.numBlocks(); b += group) {
                if (stopRequested()) {
                    throw new CancellationException("quantization cancelled");
                }
                long start = System.nanoTime();
                List<DecoderBlock> blocks = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int i = b; i < Math.min(model.numBlocks(), b + group); i++) {
                    blocks.add(model.block(i));
                    names.addAll(quantizedNames(i));
                }
                Map<String, io.autoround.quant.QuantScheme> schemes = schemes(names);
                Map<String, float[]> importance = new HashMap<>();
                for (DecoderBlock block : blocks) {
                    List<String> own = names.stream().filter(l -> block.linears().containsKey(l)).toList();
                    if (plan.algorithm() == Algorithm.OPT_RTN && plan.optRtnWeighting() == OptRtnWeighting.IMATRIX) {
                        importance.putAll(observeImportance(block, own));
                    }
                    activations.observe(block, own, schemes);
                }
                TuningProfile.start(model.manager());
                NDArray yFp = runner.run(blocks, xFp, micro);
                TuningProfile.mark("fp targets", model.manager());
                blocks.forEach(bl -> bl.linears().values().forEach(LinearLayer::clearInputObservers));
                if (plan.algorithm() == Algorithm.SIGN_ROUND) {
                    // tuning runs the tuned layers on their fake-quantized weights: the compute-dtype copies of the
                    // originals made for the fp targets would hold GPU memory (0.38 GB per 8B block) until the next block
                    blocks.forEach(DecoderBlock::releaseCastCopies);
                }
                NDArray inputs = o.enableQuantedInput && xQ != null ? xQ : xFp;
                double rtnLoss = Double.NaN;
                double finalLoss = Double.NaN;
                Map<String, TuningParams> tuning = new HashMap<>();
                Map<String, Float> actMaxScales = new HashMap<>();
                Map<String, io.autoround.tune.FinalizedLinear> finishedOnDevice = new HashMap<>();
                if (plan.algorithm() == Algorithm.SIGN_ROUND && !names.isEmpty()) {
                    final int blockIndex = b;
                    SignRoundBlockTuner tuner = new SignRoundBlockTuner(signRoundSettings(plan.options()))
                            .withDeviceFinalization(plan.precision(), QuantOptions.rtn(plan.precision()).scaleDtype());
                    BlockTuningResult r = tuner.tune(runner.tunable(blocks, names),
                            schemes, activations.actMax(names, schemes), inputs, yFp, mask,
                            it -> {
                                listener.iteration(blockIndex, it, o.itersOrDefault());
                                if (stopRequested()) { // between iterations: no native call is running
                                    throw new CancellationException("quantization cancelled");
                                }
                            });
                    rtnLoss = r.rtnLoss();
                    finalLoss = r.tunedLoss();
                    for (TunedLinear t : r.layers().values()) {
                        if (t.finalized() != null) {
                            finishedOnDevice.put(t.name(), t.finalized());
                        } else {
                            tuning.put(t.name(), new TuningParams(t.offsets(), t.minScale(), t.maxScale()));
                        }
                        actMaxScales.put(t.name(), t.actMaxScale());
                    }
                }
                TuningProfile.start(model.manager());
                Map<String, QuantResult> results = finalize(blocks, names, importance, tuning, finishedOnDevice);
                TuningProfile.mark("final quantization", model.manager());
                // packed and written while the next block tunes
                writer.submit(results.values().stream().map(QuantResult::weight).toList(), activations.scales(names, schemes));
                TuningProfile.mark("wait for the previous block's writes", model.manager());
                NDArray nextQ = null;
                if (o.enableQuantedInput && (xQ != null || !names.isEmpty())) {
                    installActivationQdq(blocks, schemes, actMaxScales);
                    try {
                        nextQ = runner.run(blocks, inputs, micro);
                    } finally {
                        blocks.forEach(bl -> bl.linears().values().forEach(l -> l.setInputTransform(null)));
                    }
                }
                TuningProfile.mark("next inputs", model.manager());
                TuningProfile.report(blocks.get(0).name());
                // streaming (low_cpu_mem_usage): the group's weights, overrides included, are freed before the next loads
                for (DecoderBlock block : blocks) {
                    model.releaseBlock(block.index());
                }
                if (xQ != null && xQ != nextQ) {
                    xQ.close();
                }
                xFp.close();
                xFp = yFp;
                xQ = nextQ;
                String name = blocks.size() == 1 ? blocks.get(0).name()
                        : blocks.get(0).name() + "-" + blocks.get(blocks.size() - 1).index();
                blocks.forEach(DecoderBlock::releaseCastCopies);
                double toReference = referenceLossScale(n, micro);
                BlockReport report = new BlockReport(b + blocks.size() - 1, name, names.size(), rtnLoss / toReference,
                        finalLoss / toReference, (System.nanoTime() - start) / 1e9);
                reports.add(report);
                listener.blockDone(report, model.numBlocks());
            }
            writer.flush();
        }
        return reports;
    }

    /**
     * The tuned layers' activation quant-dequant for the forward that makes the next block's quantized inputs
     * (reference-spec 1.4 step 6: after tuning the reference's layers quantize their inputs as WrapperWALayer).
     */
    private static void installActivationQdq(List<DecoderBlock> blocks, Map<String, io.autoround.quant.QuantScheme> schemes,
            Map<String, Float> actMaxScales) {
        actMaxScales.forEach((name, scale) -> {
            io.autoround.quant.QuantScheme s = schemes.get(name);
            if (io.autoround.quant.ActivationQuant.of(s) != io.autoround.quant.ActivationQuant.NONE) {
                BlockRunner.blockOf(blocks, name).linear(name)
                        .setInputTransform(io.autoround.tune.ActivationQuantDequant.forNextBlockInputs(name, s, scale));
            }
        });
    }

    /**
     * The divisor that puts a block's mean output MSE on the scale the reference logs: it divides each iteration's
     * mean-reduced loss by the number of valid (unmasked) tokens of the global batch (reference-spec 1.7), so its
     * printed losses are ~(batch x seqlen) times smaller than the MSE itself.
     */
    private double referenceLossScale(int n, int micro) {
        int global = Math.min(n, micro * plan.options().gradientAccumulateStepsOrDefault());
        return (double) global * (calibration.seqlen() - 1);
    }

    /** Half precision on a GPU with amp on, fp32 otherwise. */
    private TuningPrecision precision() {
        if (plan.algorithm() != Algorithm.SIGN_ROUND) {
            return TuningPrecision.FP32;
        }
        boolean actQuant = model.numBlocks() > 0 && java.util.stream.IntStream.range(0, model.numBlocks())
                .mapToObj(this::quantizedNames).flatMap(List::stream)
                .anyMatch(l -> io.autoround.quant.ActivationQuant.of(plan.schemeOf(l)) != io.autoround.quant.ActivationQuant.NONE);
        return TuningPrecision.resolve(model.manager().getDevice(), plan.options().amp, actQuant);
    }

    /** Embedding outputs of every calibration sample in {@code dtype}: the first block's input [n, seq, hidden]. */
    private NDArray embed(NDManager manager, int seq, ai.djl.ndarray.types.DataType dtype) {
        List<NDArray> parts = new ArrayList<>();
        for (int[] sample : calibration.samples()) {
            long[] ids = new long[seq];
            for (int i = 0; i < seq; i++) {
                ids[i] = sample[i];
            }
            NDArray idArray = model.manager().create(ids, new Shape(1, seq));
            NDArray raw = model.embed(idArray);
            NDArray embedded = raw.toType(dtype, false);
            if (embedded != raw) {
                raw.close();
            }
            NDArray cached = io.autoround.tune.SignRoundBlockTuner.onDevice(embedded, manager);
            cached.attach(manager);
            parts.add(cached);
            if (cached != embedded) {
                embedded.close();
            }
            idArray.close();
        }
        NDArray all = NDArrays.concat(new NDList(parts), 0);
        parts.forEach(NDArray::close);
        return all;
    }

    /** 1 for tokens that count in the loss; the last position of every sample never does (reference-spec 1.3). */
    private static NDArray lossMask(NDManager manager, int n, int seq) {
        float[] m = new float[n * seq];
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < seq - 1; t++) {
                m[s * seq + t] = 1f;
            }
        }
        return manager.create(m, new Shape(n, seq, 1));
    }

    private List<String> quantizedNames(int block) {
        List<String> names = new ArrayList<>();
        for (LinearSpec l : plan.arch().linearsOfBlock(block)) {
            if (plan.schemeOf(l.name()) != null) {
                names.add(l.name());
            }
        }
        return names;
    }

    private Map<String, io.autoround.quant.QuantScheme> schemes(List<String> names) {
        Map<String, io.autoround.quant.QuantScheme> m = new LinkedHashMap<>();
        names.forEach(n -> m.put(n, plan.schemeOf(n)));
        return m;
    }

    /** The tuner's hyper-parameters from the run's options. */
    static SignRoundSettings signRoundSettings(QuantizeOptions o) {
        return new SignRoundSettings(o.itersOrDefault(), o.lr, o.minmaxLr, o.momentum, o.batchSizeOrDefault(),
                o.gradientAccumulateStepsOrDefault(), o.enableMinmaxTuning, o.notUseBestMse, o.dynamicMaxGap, o.seed,
                o.enableAdam);
    }

    /** Installs observers that sum x^2 per input column of each quantized layer (the imatrix of opt-RTN). */
    private Map<String, float[]> observeImportance(DecoderBlock block, List<String> names) {
        Map<String, float[]> sums = new LinkedHashMap<>();
        for (String name : names) {
            LinearLayer l = block.linear(name);
            float[] acc = new float[l.spec().inFeatures()];
            sums.put(name, acc);
            l.addInputObserver(x -> {
                long cols = x.getShape().get(x.getShape().dimension() - 1);
                try (NDArray sq = x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).square().reshape(-1, cols).sum(new int[] {0})) {
                    float[] s = sq.toFloatArray();
                    for (int i = 0; i < s.length; i++) {
                        acc[i] += s[i];
                    }
                }
            });
        }
        return sums;
    }

    /**
     * Final quantization of the block's layers (scalar, except those the tuner already finished on its device); their
     * fake-quantized weights replace the originals. Returns the results in the order of {@code names}.
     */
    private Map<String, QuantResult> finalize(List<DecoderBlock> blocks, List<String> names, Map<String, float[]> importance,
            Map<String, TuningParams> tuning, Map<String, io.autoround.tune.FinalizedLinear> finishedOnDevice) {
        Map<String, int[]> shapes = new HashMap<>();
        for (String n : names) {
            LinearLayer l = BlockRunner.blockOf(blocks, n).linear(n);
            shapes.put(n, new int[] {l.spec().outFeatures(), l.spec().inFeatures()});
        }
        List<String> scalar = names.stream().filter(n -> !finishedOnDevice.containsKey(n)).toList();
        Map<String, QuantResult> quantized = LayerQuantizer.quantize(LayerQuantizer.jobs(scalar, plan,
                n -> BlockRunner.blockOf(blocks, n).linear(n).weightAsFloats(), n -> options(n, importance, tuning), shapes));
        Map<String, QuantResult> results = new LinkedHashMap<>();
        for (String n : names) {
            io.autoround.tune.FinalizedLinear device = finishedOnDevice.get(n);
            LinearLayer l = BlockRunner.blockOf(blocks, n).linear(n);
            if (device != null) {
                QuantResult r = new QuantResult(device.weight(), null); // the exporters need only the stored form
                LayerQuantizer.checkFinite(r); // LayerQuantizer checked the scalar ones
                results.put(n, r);
                l.setWeightOverride(device.dequantized()); // already on the block's own manager, on the device
                continue;
            }
            QuantResult r = quantized.get(n);
            results.put(n, r);
            int[] s = shapes.get(n);
            // on the block's own manager, so a streamed block frees it with its weights
            l.setWeightOverride(OffHeapArrays.fp32(l.originalWeight().getManager(), r.dequantized(), new Shape(s[0], s[1])));
        }
        return results;
    }

    /** The reference divides the accumulated sum of x^2 by the number of samples seen. */
    private float[] meanOverSamples(float[] sums) {
        if (sums == null) {
            return null;
        }
        float[] mean = new float[sums.length];
        for (int i = 0; i < sums.length; i++) {
            mean[i] = sums[i] / calibration.size();
        }
        return mean;
    }

    private QuantOptions options(String layer, Map<String, float[]> importance, Map<String, TuningParams> tuning) {
        QuantOptions base = plan.algorithm() == Algorithm.OPT_RTN
                && !io.autoround.quant.OptRtnPolicy.routedExpertUsesPureRtn(layer, plan.options().disableOptRtn)
                ? QuantOptions.optimizedRtn(plan.precision(), meanOverSamples(importance.get(layer)))
                : QuantOptions.rtn(plan.precision());
        TuningParams t = tuning.get(layer);
        return t == null ? base : base.withTuning(t);
    }

    /** The caller's cancel, or a SIGINT/SIGTERM taken over by the process's front door. */
    private boolean stopRequested() {
        return listener.cancelled() || SignalCancellation.requested();
    }
}
