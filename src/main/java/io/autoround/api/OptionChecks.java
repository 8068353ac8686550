package io.autoround.api;

import io.autoround.Limits;
import io.autoround.model.config.ModelConfig;
import io.autoround.quant.QuantScheme;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks of the run's plain option values (sizes, rates, names) before any work: each message names the option,
 * the value and what is allowed. Scheme and layer checks live in the scheme resolvers; this class holds the rest.
 */
final class OptionChecks {
    /** Accepted spellings of the reference's dtype options, by the dtype they mean. */
    private static final Map<String, String> DTYPES = Map.of("fp16", "float16", "float16", "float16",
            "half", "float16", "bf16", "bfloat16", "bfloat16", "bfloat16", "fp32", "float32", "float32", "float32",
            "float", "float32");

    private OptionChecks() {}

    /** Values that need no model: counts, rates, names and limits. */
    static void values(QuantizeOptions o) {
        if (o.iters != null && o.iters < 0) {
            throw new IllegalArgumentException("iters must be >= 0 (0 = round-to-nearest), got " + o.iters);
        }
        atLeast("nsamples", o.nsamples, 1);
        atLeast("batch_size", o.batchSize, 1);
        atLeast("seqlen", o.seqlen, 2);
        atLeast("gradient_accumulate_steps", o.gradientAccumulateSteps, 1);
        atLeast("eval_seqlen", o.evalSeqlen, 2);
        if (o.nblocks < 1) {
            throw new IllegalArgumentException("nblocks must be >= 1, got " + o.nblocks);
        }
        positiveRate("lr", o.lr);
        positiveRate("minmax_lr", o.minmaxLr);
        if (!(o.momentum >= 0) || Double.isInfinite(o.momentum)) {
            throw new IllegalArgumentException("momentum must be a finite value >= 0, got " + o.momentum);
        }
        long tokens = (long) o.nsamplesOrDefault() * o.seqlenOrDefault();
        long limit = Limits.CALIBRATION_TOKENS.value();
        if (tokens > limit) {
            throw new IllegalArgumentException("nsamples x seqlen = " + o.nsamplesOrDefault() + " x " + o.seqlenOrDefault()
                    + " = " + tokens + " calibration tokens is too many: " + Limits.CALIBRATION_TOKENS.howToRaise());
        }
        io.autoround.data.CalibrationBuilder.checkSpec(o.dataset, o.seqlenOrDefault());
        int entries = o.layerConfig == null ? 0 : o.layerConfig.size();
        if (entries > Limits.LAYER_CONFIG_ENTRIES.value()) {
            throw new IllegalArgumentException("layer_config has " + entries + " entries, too many: "
                    + Limits.LAYER_CONFIG_ENTRIES.howToRaise() + " (use a regex to cover many layers)");
        }
        dtypeName("model_dtype", o.modelDtype);
        dtypeName("scale_dtype", o.scaleDtype);
        deviceMap(o.deviceMap);
    }

    /** {@code model_dtype}: the checkpoint's own dtype (or none); casting on load is not implemented. */
    static void modelDtype(QuantizeOptions o, ModelConfig config) {
        String want = dtypeName("model_dtype", o.modelDtype);
        String have = config.dtype() == null ? "float32" : config.dtype();
        if (want != null && !want.equals(have)) {
            throw new UnsupportedOperationException("not implemented yet: model_dtype '" + o.modelDtype
                    + "' (casting the model on load); this model is " + have + " and is quantized in that dtype: "
                    + "drop --model_dtype or pass " + have);
        }
    }

    /**
     * {@code scale_dtype}: the reference's default (fp16; fp32 for GGUF) is what the quantizers use; other dtypes
     * are not implemented and are refused rather than ignored.
     */
    static void scaleDtype(QuantizeOptions o, boolean gguf) {
        String want = dtypeName("scale_dtype", o.scaleDtype);
        String dflt = gguf ? "float32" : "float16";
        if (want != null && !want.equals(dflt)) {
            throw new UnsupportedOperationException("not implemented yet: scale_dtype '" + o.scaleDtype + "'; scales are "
                    + "rounded to " + dflt + (gguf ? " for GGUF schemes" : "") + ": drop --scale_dtype or pass "
                    + (gguf ? "fp32" : "fp16"));
        }
    }

    /**
     * Group sizes against the model: a group wider than every layer's input is no group at all (and the packed
     * kernels would size their buffers by it).
     */
    static void groupSizes(Map<String, QuantScheme> layerSchemes, int widestInput) {
        for (Map.Entry<String, QuantScheme> e : layerSchemes.entrySet()) {
            QuantScheme s = e.getValue();
            if (s.keepsFullPrecision()) {
                continue;
            }
            tooWide("group_size", s.groupSize(), e.getKey(), widestInput);
            if (s.actBits() < 16) {
                tooWide("act_group_size", s.actGroupSize(), e.getKey(), widestInput);
            }
        }
    }

    private static void tooWide(String option, int size, String layer, int widest) {
        if (size > widest) {
            throw new IllegalArgumentException(option + " " + size + " (layer " + layer + ") is larger than the widest "
                    + "layer input of this model (" + widest + "): use -1 for one group per output channel, 0 for one "
                    + "per tensor, or a size of at most " + widest);
        }
    }

    private static void atLeast(String option, Integer value, int min) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }

    private static void positiveRate(String option, Double value) {
        if (value != null && !(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(option + " must be a finite number > 0, got " + value);
        }
    }

    /** The dtype a user spelling means, null when unset; unknown names are refused with the accepted list. */
    private static String dtypeName(String option, String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("auto")) {
            return null;
        }
        String key = value.strip().toLowerCase(Locale.ROOT).replaceFirst("^torch\\.", "");
        String dtype = DTYPES.get(key);
        if (dtype == null) {
            throw new IllegalArgumentException(option + " '" + value + "' is not a dtype; allowed: "
                    + List.of("fp16", "float16", "bf16", "bfloat16", "fp32", "float32"));
        }
        return dtype;
    }

    /** The reference's device_map spellings: cpu, auto, cuda, gpu, N, cuda:N, gpu:N, or a comma list of N. */
    private static void deviceMap(String deviceMap) {
        if (deviceMap == null) {
            return;
        }
        String d = deviceMap.strip().toLowerCase(Locale.ROOT);
        if (!d.matches("cpu|auto|cuda|gpu|((cuda:|gpu:)?\\d{1,3})(,\\s*(cuda:|gpu:)?\\d{1,3})*")) {
            throw new IllegalArgumentException("device_map '" + deviceMap + "' is not a device; allowed: cpu, auto, "
                    + "cuda, 0, cuda:0, or a comma list such as 0,1");
        }
    }
}
