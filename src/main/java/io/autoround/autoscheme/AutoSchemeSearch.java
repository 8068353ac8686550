package io.autoround.autoscheme;

import io.autoround.api.DeviceMap;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.TokenizerEncoder;
import io.autoround.data.CalibrationBuilder;
import io.autoround.data.CalibrationSet;
import io.autoround.data.HubDatasetLoader;
import io.autoround.model.arch.Architecture;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import io.autoround.quant.QuantScheme;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the mixed-precision search of reference-spec 4: resolve what each option means per layer, check the target
 * is reachable, score every option with {@link DeltaLossScorer}, then pick per layer (group) the options that fit
 * the bit budget with the least total score ({@link BudgetSelection}).
 */
public final class AutoSchemeSearch {
    private final QuantizeOptions options;
    private final Path modelDir;
    private final String modelName;
    private final HubDatasetLoader datasets;
    private final PrintStream log;
    private final java.util.function.BooleanSupplier stop;

    /** @param stop polled during scoring: true (a cancel or a signal) ends the search */
    public AutoSchemeSearch(QuantizeOptions options, Path modelDir, String modelName, HubDatasetLoader datasets,
            PrintStream log, java.util.function.BooleanSupplier stop) {
        this.options = options;
        this.modelDir = modelDir;
        this.modelName = modelName;
        this.datasets = datasets;
        this.log = log;
        this.stop = stop;
    }

    /** Checks the request and the budget range without scoring (cheap: reads shapes only). */
    public SearchSpace space() {
        AutoSchemeConfig cfg = options.autoScheme;
        List<String> opts = cfg.validatedOptions();
        if (options.formats != null && options.formats.stream().anyMatch(f -> f.strip().toLowerCase(java.util.Locale.ROOT).startsWith("gguf"))) {
            throw new UnsupportedOperationException("AutoScheme cannot write " + options.formats + " yet: a GGUF file "
                    + "holds GGUF types, and GGUF options (e.g. GGUF:Q2_K_S,GGUF:Q4_K_M) are not supported as AutoScheme "
                    + "options yet; use format auto_round, auto_gptq or llm_compressor");
        }
        for (String f : options.formats == null ? List.<String>of() : options.formats) {
            String fmt = f.strip().toLowerCase(java.util.Locale.ROOT);
            if (fmt.startsWith("auto_awq") || fmt.startsWith("llm_compressor")) {
                // checked before the search so a long scoring run does not end in a refusal
                throw new IllegalArgumentException("format " + f + " cannot hold per-layer schemes (mixed bits), "
                        + "which AutoScheme produces; use auto_round or auto_gptq");
            }
        }
        SearchSpace space = SearchSpace.build(options, modelDir, modelName, opts, cfg.ignoreScaleZpBits);
        target(space);
        return space;
    }

    /** The search; the result's schemes go into the run's layer_config. */
    public AutoSchemeResult run() {
        long start = System.nanoTime();
        AutoSchemeConfig cfg = options.autoScheme;
        SearchSpace space = space();
        double target = target(space);
        Map<String, double[]> scores = score(space, cfg);
        BudgetSelection selection = new BudgetSelection(space, scores, target, blockOf(space.base().arch()),
                cfg.sharedLayers);
        int[] pick = selection.solve();
        List<AutoSchemeResult.Row> rows = new ArrayList<>();
        long bits = space.fixedBits();
        for (SearchSpace.Fixed f : space.fixed()) {
            rows.add(new AutoSchemeResult.Row(f.name(), "fixed", f.scheme(), (double) f.bits() / f.numel(), 0, true));
        }
        for (int i = 0; i < space.candidates().size(); i++) {
            SearchSpace.Candidate c = space.candidates().get(i);
            int o = pick[i];
            bits += c.bits()[o];
            rows.add(new AutoSchemeResult.Row(c.name(), space.options().get(o), c.schemes().get(o),
                    (double) c.bits()[o] / c.numel(), scores.get(c.name())[o], false));
        }
        double achieved = (double) bits / space.totalNumel();
        double[] range = range(space);
        return new AutoSchemeResult(target, achieved, range[0], range[1], space.options(), space.base().presetName(),
                List.copyOf(rows), (System.nanoTime() - start) / 1e9);
    }

    /** The target, snapped to the range's end within 1e-3 as the reference does; outside the range it fails. */
    private double target(SearchSpace space) {
        double t = options.autoScheme.avgBits;
        double[] r = range(space);
        if (Math.abs(t - r[0]) < 1e-3) {
            return r[0];
        }
        if (Math.abs(t - r[1]) < 1e-3) {
            return r[1];
        }
        if (t < r[0] || t > r[1]) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "Target avg_bits=%.3f is outside the valid range [%.3f, %.3f] of options %s on %s", t, r[0], r[1],
                    space.options(), modelName));
        }
        return t;
    }

    private static double[] range(SearchSpace space) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < space.options().size(); i++) {
            double a = space.uniformAverage(i);
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        return new double[] {min, max};
    }

    /** Layer name to its score under each option (0 for options that keep the layer in 16 bits). */
    private Map<String, double[]> score(SearchSpace space, AutoSchemeConfig cfg) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        space.candidates().forEach(c -> scores.put(c.name(), new double[space.options().size()]));
        ai.djl.Device device = DeviceMap.resolve(cfg.deviceMap != null ? cfg.deviceMap : options.deviceMap, log);
        try (TextTokenizer tok = TextTokenizer.load(modelDir);
                DecoderModel model = DecoderModel.openStreaming(modelDir, device, null)) {
            String dataset = cfg.dataset != null ? cfg.dataset : options.dataset;
            CalibrationSet cal = new CalibrationBuilder(new TokenizerEncoder(tok), datasets, log)
                    .build(dataset, cfg.nsamplesOrDefault(), cfg.seqlenOrDefault(), options.seed);
            log.println("AutoScheme: scoring " + space.candidates().size() + " layers x " + space.options().size()
                    + " options on " + cal.description());
            DeltaLossScorer scorer = new DeltaLossScorer(model, cal, cfg.batchSizeOrDefault(), stop);
            for (int i = 0; i < space.options().size(); i++) {
                Map<String, QuantScheme> schemes = new LinkedHashMap<>();
                for (SearchSpace.Candidate c : space.candidates()) {
                    schemes.put(c.name(), c.schemes().get(i));
                }
                if (schemes.values().stream().allMatch(QuantScheme::keepsFullPrecision)) {
                    continue; // a 16-bit option changes nothing: score 0
                }
                long t0 = System.nanoTime();
                Map<String, Double> s = scorer.score(schemes);
                final int opt = i;
                s.forEach((layer, v) -> scores.get(layer)[opt] = v);
                log.printf("AutoScheme: scored %s in %.1f s%n", space.options().get(i), (System.nanoTime() - t0) / 1e9);
            }
        }
        return scores;
    }

    /** A layer's block prefix (e.g. model.layers.3), or null outside the blocks. */
    private static java.util.function.Function<String, String> blockOf(Architecture arch) {
        return name -> {
            for (int b = 0; b < arch.numBlocks(); b++) {
                if (name.startsWith(arch.blockName(b) + ".")) {
                    return arch.blockName(b);
                }
            }
            return null;
        };
    }
}
