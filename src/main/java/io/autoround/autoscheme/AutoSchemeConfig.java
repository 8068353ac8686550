package io.autoround.autoscheme;

import io.autoround.quant.scheme.SchemePresets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference's {@code AutoScheme} request (reference-spec 4.1): a target average of bits over the quantized
 * layers and the candidate preset schemes. Null sizes take the reference's defaults (env
 * {@code AR_AUTO_SCHEME_*}, then 16 samples of 256 tokens, batch 8 with low_gpu_mem_usage else 1).
 */
public final class AutoSchemeConfig {
    public double avgBits;
    /** Candidate preset names, e.g. W2A16, W4A16, BF16. */
    public List<String> options = new ArrayList<>();
    public boolean ignoreScaleZpBits;
    /** Groups of layer names or patterns that must receive the same option. */
    public List<List<String>> sharedLayers = new ArrayList<>();
    public boolean lowGpuMemUsage = true;
    public Integer batchSize;
    public Integer nsamples;
    public Integer seqlen;
    /** Calibration data of the search; null: the run's dataset. */
    public String dataset;
    /** Device of the search; null: the run's device_map. */
    public String deviceMap;

    public AutoSchemeConfig() {
    }

    public AutoSchemeConfig(double avgBits, List<String> options) {
        this.avgBits = avgBits;
        this.options = new ArrayList<>(options);
    }

    /** Options from a comma or space separated string, upper-cased as the reference does. */
    public static List<String> parseOptions(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.strip().toUpperCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Canonical option names, duplicates dropped; bad requests fail naming the problem. */
    public List<String> validatedOptions() {
        if (!(avgBits > 0) || Double.isInfinite(avgBits)) {
            throw new IllegalArgumentException("AutoScheme avg_bits must be a positive number, got " + avgBits);
        }
        if (options == null || options.isEmpty()) {
            throw new IllegalArgumentException("AutoScheme options are empty: give candidate schemes, e.g. W2A16,W4A16");
        }
        List<String> out = new ArrayList<>();
        for (String o : options) {
            String name = SchemePresets.canonicalName(o);
            if (name.contains("MIXED")) {
                throw new IllegalArgumentException("AutoScheme option " + o + ": mixed schemes cannot be options");
            }
            if (!SchemePresets.isPreset(name)) {
                throw new IllegalArgumentException("AutoScheme option '" + o + "' is not a preset scheme; valid names: "
                        + String.join(", ", SchemePresets.names()));
            }
            if (SchemePresets.isGguf(name)) {
                throw new UnsupportedOperationException("AutoScheme option " + name + ": GGUF options are not "
                        + "supported yet (use INT presets such as W2A16, W4A16, W8A16; the result can still be "
                        + "written as a GGUF file)");
            }
            if (SchemePresets.get(name).actBits() < 16) {
                throw new UnsupportedOperationException("AutoScheme option " + name + " quantizes activations; "
                        + "only weight-only options (e.g. W2A16, W4A16, W8A16, BF16) are supported");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    public int nsamplesOrDefault() {
        return nsamples != null ? nsamples : env("AR_AUTO_SCHEME_NSAMPLES", 16);
    }

    public int seqlenOrDefault() {
        return seqlen != null ? seqlen : env("AR_AUTO_SCHEME_SEQLEN", 256);
    }

    public int batchSizeOrDefault() {
        return batchSize != null ? batchSize : env("AR_AUTO_SCHEME_BATCH_SIZE", lowGpuMemUsage ? 8 : 1);
    }

    private static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }

    @Override
    public String toString() {
        return "AutoScheme(avg_bits=" + avgBits + ", options=" + options + ")";
    }
}
