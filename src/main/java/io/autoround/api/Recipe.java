package io.autoround.api;

import java.util.Locale;

/**
 * The reference's command-line recipes (reference-spec 5.1). A recipe only fills options the user left unset.
 */
public enum Recipe {
    /** {@code auto-round}: batch 8, 200 iterations, 128 samples. */
    DEFAULT(200, 128, null, false),
    /** {@code auto-round-best}: 1000 iterations, 512 samples, low_gpu_mem_usage. */
    BEST(1000, 512, null, true),
    /** {@code auto-round-light}: 50 iterations, lr 5e-3. */
    LIGHT(50, 128, 5e-3, false);

    private final int iters;
    private final int nsamples;
    private final Double lr;
    private final boolean lowGpuMemUsage;

    Recipe(int iters, int nsamples, Double lr, boolean lowGpuMemUsage) {
        this.iters = iters;
        this.nsamples = nsamples;
        this.lr = lr;
        this.lowGpuMemUsage = lowGpuMemUsage;
    }

    /** Fills unset options with this recipe's values. */
    public void applyTo(QuantizeOptions o) {
        if (o.iters == null) {
            o.iters = iters;
        }
        if (o.nsamples == null) {
            o.nsamples = nsamples;
        }
        if (o.lr == null && lr != null) {
            o.lr = lr;
        }
        if (o.batchSize == null) {
            o.batchSize = 8;
        }
        if (lowGpuMemUsage) {
            o.lowGpuMemUsage = true;
        }
    }

    /** Parses "default", "best", "light" (also "auto-round-best" etc.). */
    public static Recipe parse(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("auto-round-", "").replace("auto_round_", "");
        return switch (n) {
            case "default", "auto-round", "auto_round" -> DEFAULT;
            case "best" -> BEST;
            case "light" -> LIGHT;
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (known: default, best, light)");
        };
    }
}
