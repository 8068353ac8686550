package io.autoround.autoscheme;

import io.autoround.api.QuantizeOptions;
import io.autoround.api.RunPlan;
import io.autoround.model.arch.Architecture;
import io.autoround.model.arch.LinearSpec;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.LayerPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers being decided and what each option means for each of them. Every option is resolved through the
 * regular plan (so layer_config, ignore_layers, lm_head and shape fall-backs apply exactly as in a uniform run);
 * layers the user pinned in layer_config are fixed: they count in the average but are not decided.
 *
 * @param options canonical option names
 * @param candidates layers to decide, model order
 * @param fixed user-pinned layers with their scheme and bits
 * @param base the plan of the cheapest option (its model, architecture and defaults serve the run)
 */
public record SearchSpace(List<String> options, List<Candidate> candidates, List<Fixed> fixed, RunPlan base) {

    /** A layer to decide: its shape and, per option, the scheme it would get and its cost in bits. */
    public record Candidate(String name, int rows, int cols, List<QuantScheme> schemes, long[] bits) {
        public long numel() {
            return (long) rows * cols;
        }
    }

    /** A user-pinned layer. */
    public record Fixed(String name, QuantScheme scheme, long numel, long bits) {
    }

    /** Resolves every option for the run {@code o} (its scheme is replaced by each option in turn). */
    public static SearchSpace build(QuantizeOptions o, Path modelDir, String modelName, List<String> options,
            boolean ignoreScaleZpBits) {
        Map<String, RunPlan> plans = new LinkedHashMap<>();
        RunPlan any = null;
        for (String opt : options) {
            if (io.autoround.quant.scheme.SchemePresets.get(opt).keepsFullPrecision()) {
                continue; // a 16-bit option keeps the layer; its plan would have nothing to quantize
            }
            plans.put(opt, RunPlan.resolve(derived(o, opt, o.layerConfig), modelDir, modelName));
            any = any == null ? plans.get(opt) : any;
        }
        if (any == null) {
            throw new IllegalArgumentException("AutoScheme options " + options + " quantize nothing: give at least one "
                    + "option below 16 bits");
        }
        String first = plans.keySet().iterator().next();
        RunPlan unpinned = o.layerConfig == null || o.layerConfig.isEmpty() ? any
                : RunPlan.resolve(derived(o, first, Map.of()), modelDir, modelName);
        Map<String, int[]> shapes = shapes(any.arch());
        List<Candidate> candidates = new ArrayList<>();
        List<Fixed> fixed = new ArrayList<>();
        for (LayerPlan lp : any.layers()) {
            String name = lp.name();
            if (!shapes.containsKey(name)) {
                continue; // embeddings: not decided (never quantized outside GGUF)
            }
            int[] s = shapes.get(name);
            // shape fall-backs are "fixed" too; only layers the user named in layer_config are pinned
            boolean pinned = lp.fixedByUser() && named(name, o.layerConfig);
            boolean quantized = unpinned.schemeOf(name) != null
                    || plans.values().stream().anyMatch(p -> p.schemeOf(name) != null);
            if (!quantized && !pinned) {
                continue;
            }
            if (pinned) {
                QuantScheme sc = any.layerSchemes().get(name);
                fixed.add(new Fixed(name, sc, (long) s[0] * s[1], LayerBits.total(sc, s[0], s[1], ignoreScaleZpBits)));
                continue;
            }
            List<QuantScheme> per = new ArrayList<>();
            long[] bits = new long[options.size()];
            for (int i = 0; i < options.size(); i++) {
                RunPlan p = plans.get(options.get(i));
                QuantScheme sc = p == null ? QuantScheme.fullPrecision() : p.layerSchemes().get(name);
                per.add(sc);
                bits[i] = LayerBits.total(sc, s[0], s[1], ignoreScaleZpBits);
            }
            candidates.add(new Candidate(name, s[0], s[1], List.copyOf(per), bits));
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("AutoScheme: no layer is left to decide (all quantized layers are pinned "
                    + "in layer_config)");
        }
        RunPlan base = plans.get(cheapest(options, candidates, fixed, plans));
        return new SearchSpace(List.copyOf(options), List.copyOf(candidates), List.copyOf(fixed), base);
    }

    /** The quantized-layer average of bits with option {@code i} on every candidate (fixed layers as pinned). */
    public double uniformAverage(int i) {
        long bits = fixed.stream().mapToLong(Fixed::bits).sum();
        long numel = fixed.stream().mapToLong(Fixed::numel).sum();
        for (Candidate c : candidates) {
            bits += c.bits()[i];
            numel += c.numel();
        }
        return (double) bits / numel;
    }

    /** Weights counted in the average (candidates and fixed layers). */
    public long totalNumel() {
        return candidates.stream().mapToLong(Candidate::numel).sum() + fixed.stream().mapToLong(Fixed::numel).sum();
    }

    public long fixedBits() {
        return fixed.stream().mapToLong(Fixed::bits).sum();
    }

    private static String cheapest(List<String> options, List<Candidate> candidates, List<Fixed> fixed,
            Map<String, RunPlan> plans) {
        SearchSpace probe = new SearchSpace(options, candidates, fixed, null);
        String best = null;
        double bestAvg = Double.POSITIVE_INFINITY;
        for (int i = 0; i < options.size(); i++) {
            double avg = probe.uniformAverage(i);
            if (plans.containsKey(options.get(i)) && avg < bestAvg) {
                bestAvg = avg;
                best = options.get(i);
            }
        }
        return best;
    }

    private static QuantizeOptions derived(QuantizeOptions o, String option, Map<String, Object> layerConfig) {
        QuantizeOptions c = o.copy();
        c.autoScheme = null;
        c.scheme = option;
        c.layerConfig = new LinkedHashMap<>(layerConfig == null ? Map.of() : layerConfig);
        return c;
    }

    /** True when a layer_config key names the layer or, as a regex, matches it. */
    private static boolean named(String layer, Map<String, Object> layerConfig) {
        if (layerConfig == null) {
            return false;
        }
        for (String key : layerConfig.keySet()) {
            if (key.equals(layer) || io.autoround.quant.scheme.StandardRegex.search(key, layer)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, int[]> shapes(Architecture arch) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int b = 0; b < arch.numBlocks(); b++) {
            for (LinearSpec l : arch.linearsOfBlock(b)) {
                m.put(l.name(), new int[] {l.outFeatures(), l.inFeatures()});
            }
        }
        LinearSpec head = arch.lmHead();
        m.put(head.name(), new int[] {head.outFeatures(), head.inFeatures()});
        return m;
    }
}
