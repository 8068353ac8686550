package io.autoround.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.autoround.api.QuantizeOptions;
import io.autoround.app.ServiceConfig;
import io.autoround.app.web.JsonBody;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** One typed, range-checked request field and where it goes in {@link QuantizeOptions}. */
final class OptionField {
    private interface Setter {
        void set(QuantizeOptions o, String name, JsonNode v);
    }

    /** Smallest shard size accepted: below it a checkpoint turns into thousands of files. */
    static final long MIN_SHARD = 1L << 20;
    private final Setter setter;

    private OptionField(Setter setter) {
        this.setter = setter;
    }

    void apply(QuantizeOptions o, String name, JsonNode v) {
        setter.set(o, name, v);
    }

    /** Every plain option field, by its snake_case name (CLI aliases included). */
    static Map<String, OptionField> table(ServiceConfig c) {
        Map<String, OptionField> t = new LinkedHashMap<>();
        t.put("scheme", str((o, v) -> o.scheme = v));
        t.put("bits", integer(1, 16, (o, v) -> o.bits = v));
        t.put("group_size", integer(-1, 1 << 20, (o, v) -> o.groupSize = v));
        t.put("sym", bool((o, v) -> o.sym = v));
        t.put("asym", bool((o, v) -> o.sym = v ? Boolean.FALSE : o.sym));
        t.put("data_type", str((o, v) -> o.dataType = v));
        t.put("act_bits", integer(1, 32, (o, v) -> o.actBits = v));
        t.put("act_group_size", integer(-1, 1 << 20, (o, v) -> o.actGroupSize = v));
        t.put("act_sym", bool((o, v) -> o.actSym = v));
        t.put("act_data_type", str((o, v) -> o.actDataType = v));
        t.put("act_dynamic", bool((o, v) -> o.actDynamic = v));
        t.put("super_bits", integer(1, 16, (o, v) -> o.superBits = v));
        t.put("super_group_size", integer(1, 1 << 20, (o, v) -> o.superGroupSize = v));
        // their allowed values depend on the model and the format: the core checks them in plan() (answered 400)
        t.put("scale_dtype", str((o, v) -> o.scaleDtype = v));
        t.put("model_dtype", str((o, v) -> o.modelDtype = v));
        LayerConfigField layers = new LayerConfigField(c.getMaxLayerConfigEntries());
        t.put("layer_config", new OptionField(layers::apply));
        AutoSchemeField autoScheme = new AutoSchemeField(c.getMaxNsamples(), c.getMaxSeqlen());
        t.put("auto_scheme", new OptionField(autoScheme::apply));
        t.put("ignore_layers", new OptionField((o, n, v) -> o.ignoreLayers = String.join(",", strings(n, v))));
        t.put("quant_lm_head", bool((o, v) -> o.quantLmHead = v));
        t.put("to_quant_block_names", new OptionField((o, n, v) -> o.toQuantBlockNames = String.join(",", strings(n, v))));
        t.put("iters", integer(0, c.getMaxIters(), (o, v) -> o.iters = v));
        t.put("lr", positive((o, v) -> o.lr = v));
        t.put("minmax_lr", positive((o, v) -> o.minmaxLr = v));
        t.put("momentum", number(0, 1, (o, v) -> o.momentum = v));
        t.put("nblocks", integer(1, 1024, (o, v) -> o.nblocks = v));
        t.put("enable_minmax_tuning", bool((o, v) -> o.enableMinmaxTuning = v));
        t.put("enable_norm_bias_tuning", bool((o, v) -> o.enableNormBiasTuning = v));
        t.put("gradient_accumulate_steps", integer(1, 1 << 16, (o, v) -> o.gradientAccumulateSteps = v));
        t.put("enable_alg_ext", bool((o, v) -> o.enableAlgExt = v));
        t.put("not_use_best_mse", bool((o, v) -> o.notUseBestMse = v));
        t.put("dynamic_max_gap", integer(-1, Integer.MAX_VALUE, (o, v) -> o.dynamicMaxGap = v));
        t.put("enable_quanted_input", bool((o, v) -> o.enableQuantedInput = v));
        t.put("enable_adam", bool((o, v) -> o.enableAdam = v));
        t.put("disable_opt_rtn", bool((o, v) -> o.disableOptRtn = v));
        t.put("opt_rtn_weighting", str((o, v) -> o.optRtnWeighting = v));
        t.put("enable_deterministic_algorithms", bool((o, v) -> o.enableDeterministicAlgorithms = v));
        t.put("low_gpu_mem_usage", bool((o, v) -> o.lowGpuMemUsage = v));
        t.put("amp", bool((o, v) -> o.amp = v));
        t.put("low_cpu_mem_usage", bool((o, v) -> o.lowCpuMemUsage = v));
        t.put("batch_size", integer(1, 4096, (o, v) -> o.batchSize = v));
        t.put("seqlen", integer(2, c.getMaxSeqlen(), (o, v) -> o.seqlen = v));
        t.put("nsamples", integer(1, c.getMaxNsamples(), (o, v) -> o.nsamples = v));
        t.put("seed", new OptionField((o, n, v) -> o.seed = longValue(n, v)));
        t.put("device_map", str((o, v) -> o.deviceMap = v));
        t.put("max_shard_bytes", new OptionField((o, n, v) -> o.maxShardBytes = longIn(n, v, MIN_SHARD, Long.MAX_VALUE)));
        OptionField formats = new OptionField((o, n, v) -> o.formats = new ArrayList<>(strings(n, v)));
        t.put("formats", formats);
        t.put("format", formats);
        return t;
    }

    static String text(String name, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("must be a string, got " + kind(v) + " " + JsonBody.show(v));
        }
        return v.asText();
    }


    private static OptionField str(BiConsumer<QuantizeOptions, String> set) {
        return new OptionField((o, n, v) -> {
            String s = text(n, v);
            if (s != null && s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            set.accept(o, s);
        });
    }

    private static OptionField bool(BiConsumer<QuantizeOptions, Boolean> set) {
        return new OptionField((o, n, v) -> {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("must be true or false, got " + kind(v) + " " + JsonBody.show(v));
            }
            set.accept(o, v.booleanValue());
        });
    }

    private static OptionField integer(int min, int max, BiConsumer<QuantizeOptions, Integer> set) {
        return new OptionField((o, n, v) -> set.accept(o, (int) longIn(n, v, min, max)));
    }

    private static OptionField number(double min, double max, BiConsumer<QuantizeOptions, Double> set) {
        return new OptionField((o, n, v) -> {
            if (!v.isNumber()) {
                throw new IllegalArgumentException("must be a number in [" + min + ", " + max + "), got " + kind(v)
                        + " " + JsonBody.show(v));
            }
            double x = v.doubleValue();
            // a literal like 1e999 parses as Infinity: refuse it with the text the user sent
            if (!(x >= min && x < max) || !Double.isFinite(x)) {
                throw new IllegalArgumentException("must be a finite number in [" + min + ", " + max + "), got " + JsonBody.show(v));
            }
            set.accept(o, x);
        });
    }

    private static OptionField positive(BiConsumer<QuantizeOptions, Double> set) {
        return number(Double.MIN_VALUE, Double.MAX_VALUE, set);
    }

    private static long longValue(String name, JsonNode v) {
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("must be an integer, got " + kind(v) + " " + JsonBody.show(v));
        }
        if (!v.canConvertToLong()) {
            throw new IllegalArgumentException("integer out of range: " + JsonBody.show(v));
        }
        return v.longValue();
    }

    static long longIn(String name, JsonNode v, long min, long max) {
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("must be an integer between " + min + " and " + max + ", got " + kind(v)
                    + " " + JsonBody.show(v));
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + JsonBody.show(v));
        }
        return v.longValue();
    }

    /** A list of strings, given as a JSON array or a comma-separated string. */
    private static List<String> strings(String name, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            Arrays.stream(v.asText().split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new IllegalArgumentException("must hold only strings, got " + kind(e) + " " + JsonBody.show(e));
                }
                out.add(e.asText().strip());
            }
        } else {
            throw new IllegalArgumentException("must be a string or an array of strings, got " + kind(v) + " " + JsonBody.show(v));
        }
        return out;
    }

    private static String kind(JsonNode v) {
        return JsonBody.kind(v);
    }
}
