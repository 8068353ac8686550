package io.autoround.autoscheme;

import io.autoround.quant.QuantScheme;

/**
 * Storage cost of one layer under one scheme, counted as the reference's {@code compute_layer_bits}
 * (reference-spec 4.2): weight bits plus, per group, a scale and (asymmetric or any INT type) a zero point, or
 * GGUF's double-quantized scales with a 64-bit pair per super group. Layers kept in 16 bits cost 16 per weight.
 */
public final class LayerBits {
    private LayerBits() {
    }

    /** Total bits of a [rows x cols] weight ({@code rows} = out_features) under {@code s}. */
    public static long total(QuantScheme s, int rows, int cols, boolean ignoreScaleZpBits) {
        long numel = (long) rows * cols;
        if (s.bits() >= 16 || ignoreScaleZpBits) {
            // the reference resets a 16-bit layer that carries GGUF super params to 32 bits
            return (s.bits() >= 16 && s.superBits() != null ? 32L : s.bits()) * numel;
        }
        long groups;
        if (s.groupSize() > 0) {
            groups = (long) rows * ((cols + s.groupSize() - 1) / s.groupSize());
        } else if (s.groupSize() == 0) {
            groups = 1;
        } else if (s.groupSize() == -1) {
            groups = rows;
        } else {
            throw new IllegalArgumentException("invalid group_size " + s.groupSize());
        }
        String dt = s.dataType();
        int scaleBits = dt.contains("mx_fp") || dt.contains("nv_fp") || dt.contains("fp4") ? 8 : 16;
        // the reference charges a zero point to every INT type, symmetric ones included
        int zpBits = !s.sym() || dt.contains("int") ? s.bits() : 0;
        long aux;
        if (s.superGroupSize() == null || s.superGroupSize() == 0) {
            aux = groups * (scaleBits + zpBits);
        } else {
            long superGroups = (groups + s.superGroupSize() - 1) / s.superGroupSize();
            aux = groups * s.superBits() * 2L + superGroups * 64L;
        }
        return s.bits() * numel + aux;
    }
}
