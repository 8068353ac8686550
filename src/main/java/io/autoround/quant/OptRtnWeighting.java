package io.autoround.quant;

import java.util.Locale;

/**
 * How the optimized-RTN scale search weighs each element's squared error (reference-spec 1.14).
 *
 * <p>{@link #IMATRIX} is the reference's choice: the per-input-column mean of x^2 over the calibration tokens, so
 * it needs a calibrated forward pass. {@link #UNIFORM} weighs every element equally: a plain least-squares search
 * that needs no calibration data. UNIFORM is the default because it scored better on the project's accuracy model
 * at both 4 and 2 bits (docs/benchmarks.md), where the imatrix weighting was worse than pure RTN at 4 bits.
 */
public enum OptRtnWeighting {
    UNIFORM,
    IMATRIX;

    /** The option's spelling ("uniform" / "imatrix"). */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the option value; null means the default.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static OptRtnWeighting parse(String value) {
        if (value == null) {
            return UNIFORM;
        }
        for (OptRtnWeighting w : values()) {
            if (w.optionValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("opt_rtn_weighting must be 'uniform' or 'imatrix', got '" + value + "'");
    }
}
