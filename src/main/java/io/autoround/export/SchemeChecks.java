package io.autoround.export;

import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;

/** Shared validation of layer shapes and schemes against what a packing layout can hold. */
final class SchemeChecks {
    private SchemeChecks() {}

    static UnsupportedSchemeException unsupported(String format, String layer, String problem) {
        return new UnsupportedSchemeException(format + " cannot store layer '" + layer + "': " + problem);
    }

    /** A shape problem: the layer could be kept in 16 bits instead. */
    static UnpackableShapeException unpackable(String format, String layer, String problem) {
        return new UnpackableShapeException(format + " cannot store layer '" + layer + "': " + problem);
    }

    static void requireInt(String format, String layer, QuantScheme s) {
        if (!"int".equals(s.dataType())) {
            throw unsupported(format, layer, "data_type '" + s.dataType() + "' is not int");
        }
    }

    static void requireBits(String format, String layer, QuantScheme s, int... allowed) {
        for (int b : allowed) {
            if (s.bits() == b) {
                return;
            }
        }
        throw unsupported(format, layer, s.bits() + "-bit weights (supported: " + java.util.Arrays.toString(allowed) + ")");
    }

    /** Group width (cols for per-row), requiring a positive group size or -1 that divides {@code cols}. */
    static int groupWidth(String format, String layer, QuantScheme s, int cols) {
        if (s.groupSize() == 0) {
            throw unsupported(format, layer, "per-tensor quantization (group_size 0)");
        }
        int g = s.groupSize() > 0 ? s.groupSize() : cols;
        if (cols % g != 0) {
            throw unpackable(format, layer, "in_features " + cols + " is not a multiple of group_size " + g);
        }
        return g;
    }

    /**
     * Group width for layouts whose scales have ceil(in_features / group) rows and whose g_idx is i / group (GPTQ):
     * the last group may be partial, as the reference zero-pads it (e.g. in_features 64 with group_size 128).
     */
    static int partialGroupWidth(String format, String layer, QuantScheme s, int cols) {
        if (s.groupSize() == 0) {
            throw unsupported(format, layer, "per-tensor quantization (group_size 0)");
        }
        return s.groupSize() > 0 ? s.groupSize() : cols;
    }

    /**
     * Formats with one quantization config for the whole model: every quantized layer must use the global scheme's
     * bits, group size, symmetry and data type (16-bit layers are listed separately by the formats).
     */
    static void requireUniformSchemes(String format, ExportPlan plan, String why) {
        QuantScheme g = plan.scheme();
        for (String layer : plan.quantizedLayers()) {
            QuantScheme s = plan.schemeOf(layer);
            if (s.bits() != g.bits() || s.groupSize() != g.groupSize() || s.sym() != g.sym()
                    || !s.dataType().equals(g.dataType())) {
                throw unsupported(format, layer, why + "; layer has " + s.bits() + " bits / group " + s.groupSize()
                        + ", model " + g.bits() + " bits / group " + g.groupSize());
            }
        }
    }

    static void requireMultiple(String format, String layer, String what, long value, int of) {
        if (value % of != 0) {
            throw unpackable(format, layer, what + " " + value + " is not a multiple of " + of);
        }
    }

    /** The zero points of an int weight, defaulting symmetric ones to 2^(bits-1) when absent. */
    static int[] zeros(QuantizedWeight w) {
        if (w.zeros() != null) {
            return w.zeros();
        }
        if (!w.scheme().sym()) {
            throw new IllegalArgumentException("layer '" + w.name() + "': asymmetric weight without zero points");
        }
        int[] z = new int[w.scales().length];
        java.util.Arrays.fill(z, 1 << (w.scheme().bits() - 1));
        return z;
    }

    /** Checks array sizes of an int weight against its scheme. */
    static void checkArrays(QuantizedWeight w, int groups) {
        long expected = (long) w.rows() * groups;
        if (w.scales() == null || w.scales().length != expected) {
            throw new IllegalArgumentException("layer '" + w.name() + "': expected " + expected + " scales, got "
                    + (w.scales() == null ? "none" : w.scales().length));
        }
        if (w.zeros() != null && w.zeros().length != expected) {
            throw new IllegalArgumentException("layer '" + w.name() + "': expected " + expected + " zero points, got "
                    + w.zeros().length);
        }
    }
}
