package io.autoround;

import java.util.Locale;

/**
 * Upper bounds on sizes that come from a user, so that one request cannot take the host down. Each limit is a
 * setting: a system property ({@code -Dautoround.limits.<name>=N}) or an environment variable
 * ({@code AR_LIMIT_<NAME>=N}), the property winning; a bad value fails loudly rather than lifting the limit.
 */
public enum Limits {
    /** Entries of one {@code layer_config} (each regex entry is matched against every layer). */
    LAYER_CONFIG_ENTRIES("layer_config_entries", 10_000),
    /**
     * Calibration tokens of one run, {@code nsamples x seqlen} (and {@code num x seqlen} of one dataset entry):
     * 64 times the reference's default of 128 x 2048. Block inputs and outputs are held for all of them.
     */
    CALIBRATION_TOKENS("calibration_tokens", 16_777_216);

    private final String name;
    private final long dflt;

    Limits(String name, long dflt) {
        this.name = name;
        this.dflt = dflt;
    }

    /** The property that sets this limit. */
    public String property() {
        return "autoround.limits." + name;
    }

    /** The environment variable that sets this limit. */
    public String envVar() {
        return "AR_LIMIT_" + name.toUpperCase(Locale.ROOT);
    }

    /** The limit in force now. */
    public long value() {
        String v = System.getProperty(property());
        String source = property();
        if (v == null) {
            v = System.getenv(envVar());
            source = envVar();
        }
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + source + " must be a positive integer, got '" + v + "'");
    }

    /** How to raise the limit, for error messages. */
    public String howToRaise() {
        return "the limit is " + value() + "; raise it with -D" + property() + "=N or " + envVar() + "=N";
    }
}
