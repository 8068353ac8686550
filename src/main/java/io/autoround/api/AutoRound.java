package io.autoround.api;

import io.autoround.data.CalibrationBuilder;
import io.autoround.data.CalibrationSet;
import io.autoround.data.HubDatasetLoader;
import io.autoround.engine.DeterminismSettings;
import io.autoround.engine.DeterministicMode;
import io.autoround.eval.Perplexity;
import io.autoround.export.CheckpointSink;
import io.autoround.export.Exporter;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.quant.QuantizedWeight;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The library's entry point, used by every front door: resolve and validate the run, quantize (RTN, optimized
 * RTN or SignRound), stream the layers into every requested format, and report.
 *
 * <pre>{@code
 * QuantizeOptions o = new QuantizeOptions();
 * o.model = "Qwen/Qwen3-0.6B"; o.scheme = "W4A16"; o.outputDir = "./qmodel";
 * QuantizationReport r = new AutoRound(o, System.err).quantizeAndSave();
 * }</pre>
 */
public final class AutoRound {
    private final QuantizeOptions options;
    private final PrintStream log;
    private ProgressListener listener = new ProgressListener() {};
    private HubDatasetLoader datasets;
    private DeterminismSettings determinism;
    private io.autoround.autoscheme.AutoSchemeResult autoSchemeResult;
    private RunPlan lastPlan;

    public AutoRound(QuantizeOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.datasets = HubDatasetLoaders.system(log);
    }

    /** Receives progress events (and can cancel the run). */
    public AutoRound withListener(ProgressListener listener) {
        this.listener = listener;
        return this;
    }

    /** Replaces the loader of hub calibration datasets. */
    public AutoRound withDatasetLoader(HubDatasetLoader loader) {
        this.datasets = loader;
        return this;
    }

    /**
     * Checks every option, the model and the output folders without quantizing anything. With an AutoScheme the
     * request and its target range are checked and the plan of the cheapest option is returned (the per-layer
     * choice needs the search, which {@link #quantizeAndSave()} and {@link #quantize()} run).
     */
    public RunPlan plan() {
        Path modelDir = modelDir();
        if (options.autoScheme != null) {
            return autoSchemeSearch(modelDir).space().base();
        }
        return RunPlan.resolve(options, modelDir, modelName(modelDir));
    }

    /** The plan the last quantization ran with (with an AutoScheme: the chosen per-layer schemes), else {@link #plan()}. */
    public RunPlan lastPlan() {
        return lastPlan != null ? lastPlan : plan();
    }

    /** The AutoScheme choice of the last run, when it had one. */
    public java.util.Optional<io.autoround.autoscheme.AutoSchemeResult> autoSchemeResult() {
        return java.util.Optional.ofNullable(autoSchemeResult);
    }

    private Path modelDir() {
        return RunPlan.resolveModel(options.model, options.platform);
    }

    private String modelName(Path modelDir) {
        return options.model == null || options.model.isBlank() ? "stories260k" : RunPlan.modelNameOf(options.model, modelDir);
    }

    private io.autoround.autoscheme.AutoSchemeSearch autoSchemeSearch(Path modelDir) {
        return new io.autoround.autoscheme.AutoSchemeSearch(options, modelDir, modelName(modelDir), datasets, log,
                () -> listener.cancelled() || SignalCancellation.requested());
    }

    /**
     * The plan of the run; with an AutoScheme the search runs first and its per-layer schemes become the run's
     * layer_config (the user's entries kept), its table is printed and saved as auto_scheme.json beside the weights.
     */
    private RunPlan searchedPlan() {
        if (options.autoScheme == null) {
            return plan();
        }
        Path modelDir = modelDir();
        listener.phase("auto_scheme");
        io.autoround.autoscheme.AutoSchemeResult r = autoSchemeSearch(modelDir).run();
        r.print(log);
        autoSchemeResult = r;
        QuantizeOptions derived = options.copy();
        derived.autoScheme = null;
        derived.scheme = r.baseOption();
        derived.layerConfig = new java.util.LinkedHashMap<>(options.layerConfig == null ? java.util.Map.of() : options.layerConfig);
        derived.layerConfig.putAll(r.chosenSchemes());
        derived.sideFiles.put("auto_scheme.json", r.toJson());
        RunPlan plan = RunPlan.resolve(derived, modelDir, modelName(modelDir));
        r.chosenSchemes().forEach((layer, s) -> {
            if (!s.equals(plan.layerSchemes().get(layer))) {
                throw new IllegalStateException("AutoScheme chose " + s + " for " + layer + " but the run resolved "
                        + plan.layerSchemes().get(layer));
            }
        });
        return plan;
    }

    /** Quantizes and writes every requested format; returns where the checkpoints went. */
    public QuantizationReport quantizeAndSave() {
        long start = System.nanoTime();
        RunPlan plan = searchedPlan();
        lastPlan = plan;
        logStart(plan);
        return write(plan, sink -> runPasses(plan, sink), start);
    }

    /**
     * Quantizes without writing (the reference's {@code quantize()}): the quantized layers stay in memory until
     * {@link #save}. Streaming {@link #quantizeAndSave()} needs less memory.
     */
    public QuantizedModel quantize() {
        long start = System.nanoTime();
        RunPlan plan = searchedPlan();
        lastPlan = plan;
        logStart(plan);
        List<QuantizedWeight> weights = new ArrayList<>();
        List<TensorData> tensors = new ArrayList<>();
        List<BlockReport> blocks = runPasses(plan, new WeightSink() {
            @Override
            public void accept(QuantizedWeight weight) {
                weights.add(weight);
            }

            @Override
            public void acceptRaw(TensorData tensor) {
                tensors.add(tensor);
            }
        });
        return new QuantizedModel(plan, List.copyOf(weights), List.copyOf(tensors), List.copyOf(blocks),
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Writes an in-memory result (the reference's {@code save_quantized}) in {@code formats} under {@code outputDir};
     * {@code modelSubfolder} appends the model sub-folder as quantize_and_save does.
     */
    public QuantizationReport save(QuantizedModel quantized, Path outputDir, List<String> formats, boolean modelSubfolder) {
        long start = System.nanoTime();
        RunPlan plan = quantized.plan().withOutputs(outputDir, formats, modelSubfolder);
        QuantizationReport r = write(plan, sink -> {
            // a layer the new format keeps in 16 bits is written from the source weights (PackingFallback)
            quantized.weights().stream().filter(w -> plan.schemeOf(w.name()) != null).forEach(sink::accept);
            quantized.tensors().forEach(sink::acceptRaw);
            return quantized.blocks();
        }, start);
        return new QuantizationReport(r.model(), r.algorithm(), r.scheme(), r.quantizedLayers(), r.outputs(), r.blocks(),
                r.seconds() + quantized.seconds());
    }

    private void logStart(RunPlan plan) {
        log.printf("auto-round: %s, scheme %s, %s, %d of %d Linear layers quantized, formats %s%n", plan.modelName(),
                plan.presetName(), describe(plan), plan.quantizedLayers().size(), plan.layerSchemes().size(), options.formats);
    }

    /** Opens a sink per target, feeds it the quantized layers from {@code producer}, copies the rest and finishes. */
    private QuantizationReport write(RunPlan plan, java.util.function.Function<WeightSink, List<BlockReport>> producer, long start) {
        List<CheckpointSink> sinks = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<BlockReport> blocks;
        try {
            for (ExportTarget t : plan.targets()) {
                sinks.add(t.exporter().open(plan.exportPlan(t)));
            }
            blocks = producer.apply(new WeightSink() {
                @Override
                public void accept(QuantizedWeight weight) {
                    sinks.forEach(s -> s.add(weight));
                }

                @Override
                public void acceptRaw(TensorData tensor) {
                    sinks.forEach(s -> s.addRaw(tensor));
                }
            });
            listener.phase("export");
            try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.modelDir())) {
                for (int i = 0; i < sinks.size(); i++) {
                    Exporter.copyUnquantized(source, plan.exportPlan(plan.targets().get(i)), sinks.get(i));
                    outputs.add(sinks.get(i).finish());
                }
            }
        } finally {
            sinks.forEach(CheckpointSink::close);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Path out : outputs) {
            log.printf("auto-round: wrote %s (%.1f s, %s)%n", out, seconds, io.autoround.engine.HostMemory.peakRssSummary());
        }
        return new QuantizationReport(options.model, plan.algorithm(), plan.presetName(), plan.quantizedLayers().size(),
                outputs, blocks, seconds);
    }

    /** What {@code enable_deterministic_algorithms} put in place for the last run (empty when it was off). */
    public java.util.Optional<DeterminismSettings> determinism() {
        return java.util.Optional.ofNullable(determinism);
    }

    private List<BlockReport> runPasses(RunPlan plan, WeightSink sink) {
        listener.phase("quantize");
        determinism = null;
        if (!options.enableDeterministicAlgorithms) {
            return passes(plan, sink);
        }
        try (DeterministicMode mode = DeterministicMode.enable(options.seed, log)) {
            determinism = mode.settings();
            return passes(plan, sink);
        }
    }

    private List<BlockReport> passes(RunPlan plan, WeightSink sink) {
        return plan.needsCalibration() ? calibratedRun(plan, sink) : new RtnPass(plan, listener, log, true).run(sink);
    }

    private List<BlockReport> calibratedRun(RunPlan plan, WeightSink sink) {
        try (DecoderModel model = openModel(plan); TextTokenizer tok = TextTokenizer.load(plan.modelDir())) {
            listener.phase("calibration");
            int seqlen = options.seqlenOrDefault();
            int limit = plan.config().maxPositionEmbeddings();
            if (limit > 0 && seqlen > limit) {
                log.printf("seqlen %d exceeds the model's %d positions; using %d%n", seqlen, limit, limit);
                seqlen = limit;
            }
            CalibrationSet cal = new CalibrationBuilder(new TokenizerEncoder(tok), datasets, log)
                    .build(options.dataset, options.nsamplesOrDefault(), seqlen, options.seed);
            log.println("calibration: " + cal.description());
            listener.phase("quantize");
            List<BlockReport> reports = new ArrayList<>(new BlockwisePass(plan, model, cal, listener, log).run(sink));
            reports.addAll(new RtnPass(plan, listener, log, false).run(sink));
            return reports;
        }
    }

    /**
     * low_cpu_mem_usage (the default): blocks are read from the checkpoint when their turn comes and freed after;
     * otherwise every weight is loaded in fp32 up front. Both give the same bytes.
     */
    private DecoderModel openModel(RunPlan plan) {
        ai.djl.Device device = DeviceMap.resolve(options.deviceMap, log);
        if (!options.lowCpuMemUsage) {
            log.println("low_cpu_mem_usage off: loading every block's weights in fp32 up front");
            return DecoderModel.load(plan.modelDir(), device);
        }
        log.println("low_cpu_mem_usage: reading each block's weights from the checkpoint when its turn comes");
        return DecoderModel.openStreaming(plan.modelDir(), device, listener::blockResidency);
    }

    private String describe(RunPlan plan) {
        return switch (plan.algorithm()) {
            case RTN -> "round-to-nearest" + (plan.modelFree() ? " (model-free)" : "");
            case OPT_RTN -> "optimized round-to-nearest";
            case SIGN_ROUND -> "SignRound, " + options.itersOrDefault() + " iters";
        };
    }

    /** Perplexity of a model folder (fp or quantized) on a text file, with the benchmark protocol. */
    public static Perplexity.Result perplexity(Path modelDir, Path textFile, int seqlen, Perplexity.Progress progress) {
        String text = io.autoround.data.TextFiles.readUtf8(textFile, "evaluation text file");
        try (DecoderModel m = ModelLoader.load(modelDir); TextTokenizer tok = TextTokenizer.load(modelDir)) {
            return Perplexity.evaluate(m, tok, text, Perplexity.Options.of(seqlen).withProgress(progress));
        }
    }
}
