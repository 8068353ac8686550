package io.autoround.model.config;

import java.nio.file.Path;

/**
 * Rotary-embedding frequency settings: the base theta and an optional scaling rule.
 *
 * @param theta base of the inverse frequencies
 * @param type {@code default}, {@code linear} or {@code llama3}
 * @param factor scaling factor (1 for default)
 * @param lowFreqFactor llama3 low-frequency factor
 * @param highFreqFactor llama3 high-frequency factor
 * @param originalMaxPositionEmbeddings llama3 original context length
 */
public record RopeScaling(double theta, String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    public static final String DEFAULT = "default";
    public static final String LINEAR = "linear";
    public static final String LLAMA3 = "llama3";

    /** Unscaled RoPE with the given base. */
    public static RopeScaling plain(double theta) {
        return new RopeScaling(theta, DEFAULT, 1, 0, 0, 0);
    }

    /**
     * Inverse frequencies for a head dimension, computed in fp32 as transformers does
     * ({@code 1 / base^(2i/dim)}, then the llama3 or linear adjustment).
     */
    public float[] inverseFrequencies(int headDim) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1.0f / (float) Math.pow(theta, exponent);
        }
        return switch (type) {
            case DEFAULT -> inv;
            case LINEAR -> divideAll(inv, (float) factor);
            case LLAMA3 -> llama3(inv);
            default -> throw new IllegalStateException("unsupported rope_type '" + type + "'");
        };
    }

    private static float[] divideAll(float[] inv, float f) {
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            out[i] = inv[i] / f;
        }
        return out;
    }

    /** Llama 3.1 frequency scaling: long wavelengths divided by factor, a smooth blend in between. */
    private float[] llama3(float[] inv) {
        float f = (float) factor;
        float low = (float) lowFreqFactor;
        float high = (float) highFreqFactor;
        float oldContext = originalMaxPositionEmbeddings;
        double lowFreqWavelen = (double) originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelen = (double) originalMaxPositionEmbeddings / highFreqFactor;
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (float) (2 * Math.PI) / inv[i];
            float scaled = wavelen > lowFreqWavelen ? inv[i] / f : inv[i];
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium) {
                float smooth = (oldContext / wavelen - low) / (high - low);
                scaled = (1 - smooth) * scaled / f + smooth * scaled;
            }
            out[i] = scaled;
        }
        return out;
    }

    /** Reads rope settings from a {@code rope_scaling} / {@code rope_parameters} object plus a theta. */
    static RopeScaling parse(Path file, JsonFields obj, double theta) {
        if (obj == null) {
            return plain(theta);
        }
        String type = obj.optString("rope_type", obj.optString("type", DEFAULT));
        return switch (type) {
            case DEFAULT -> plain(theta);
            case LINEAR -> new RopeScaling(theta, LINEAR, requirePositive(file, obj, "factor"), 0, 0, 0);
            case LLAMA3 -> new RopeScaling(theta, LLAMA3, requirePositive(file, obj, "factor"),
                    requirePositive(file, obj, "low_freq_factor"), requirePositive(file, obj, "high_freq_factor"),
                    obj.requireInt("original_max_position_embeddings"));
            default -> throw new ConfigException(file, "unsupported rope_type '" + type
                    + "' (supported: default, linear, llama3)");
        };
    }

    private static double requirePositive(Path file, JsonFields obj, String key) {
        if (!obj.has(key)) {
            throw new ConfigException(file, "required rope key '" + key + "' is missing");
        }
        double v = obj.optDouble(key, 0);
        if (!(v > 0)) {
            throw new ConfigException(file, "rope key '" + key + "' must be > 0, got " + v);
        }
        return v;
    }
}
