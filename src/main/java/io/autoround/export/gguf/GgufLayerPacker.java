package io.autoround.export.gguf;

import io.autoround.quant.FloatZeroPointQuantizer;
import io.autoround.quant.GgufKQuantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.WeightQuantizer;
import io.autoround.quant.scheme.SchemeResolver;
import java.util.Map;

/**
 * Turns a quantized Linear ({@link QuantizedWeight}) into legacy ggml blocks without re-rounding: the codes are
 * the block levels and the fp16 group scales are the block {@code d}, so the file dequantizes to exactly the
 * weights the quantizer produced (Q4_1/Q5_1 take the per-group float minimums as {@code m}; the k-quants are
 * packed by {@link GgufKLayerPacker}). Tensors that reach the exporter unquantized but are quantized in GGUF
 * (embeddings, the output head) are quantized here with plain RTN of the target type, as the reference does at
 * pack time for tensors without stored scales.
 */
public final class GgufLayerPacker {
    private GgufLayerPacker() {}

    /** Bits of a quantized block type. */
    public static int bits(GgmlType t) {
        return switch (t) {
            case Q2_K -> 2;
            case Q3_K -> 3;
            case Q4_K -> 4;
            case Q5_K -> 5;
            case Q6_K -> 6;
            case Q4_0, Q4_1 -> 4;
            case Q5_0, Q5_1 -> 5;
            case Q8_0 -> 8;
            default -> throw new IllegalArgumentException(t + " is not a legacy block type");
        };
    }

    /**
     * The scheme a tensor of type {@code t} is quantized with (group 32; sym for _0, asym for _1; the k-quants use
     * their GGUF preset's scheme).
     */
    public static QuantScheme schemeOf(GgmlType t) {
        switch (t) {
            case Q2_K -> {
                return SchemeResolver.resolve("GGUF:Q2_K_S", Map.of());
            }
            case Q3_K -> {
                return SchemeResolver.resolve("GGUF:Q3_K_S", Map.of());
            }
            case Q4_K -> {
                return SchemeResolver.resolve("GGUF:Q4_K_S", Map.of());
            }
            case Q5_K -> {
                return SchemeResolver.resolve("GGUF:Q5_K_S", Map.of());
            }
            case Q6_K -> {
                return SchemeResolver.resolve("GGUF:Q6_K", Map.of());
            }
            default -> { }
        }
        if (GgmlBlockCodec.hasMin(t)) {
            return new QuantScheme(bits(t), GgmlBlockCodec.QK, false, FloatZeroPointQuantizer.DATA_TYPE, 16,
                    GgmlBlockCodec.QK, false, "float", true, null, null);
        }
        return QuantScheme.weightOnlyInt(bits(t), GgmlBlockCodec.QK, true);
    }

    /**
     * Packs {@code w} as {@code t}, after reordering its rows by {@code rowSource} (null = keep the order).
     *
     * @throws IllegalArgumentException naming the layer when its scheme does not fit the type
     */
    public static byte[] pack(QuantizedWeight w, GgmlType t, int[] rowSource) {
        if (t.isKQuant()) {
            return GgufKLayerPacker.pack(w, t, rowSource);
        }
        check(w, t);
        int[] codes = w.codes();
        float[] scales = w.scales();
        float[] mins = GgmlBlockCodec.hasMin(t) ? w.mins() : null;
        int groups = w.cols() / GgmlBlockCodec.QK;
        if (rowSource != null) {
            codes = RopeRowPermutation.apply(codes, w.cols(), rowSource);
            scales = RopeRowPermutation.apply(scales, groups, rowSource);
            mins = mins == null ? null : RopeRowPermutation.apply(mins, groups, rowSource);
        }
        try {
            return GgmlBlockCodec.pack(t, codes, scales, mins);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(w.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The GGUF type of a layer quantized with {@code s}, or null when no GGUF type stores that scheme: the
     * legacy types by bits and data type (group 32), the implemented k-quants by their data type and bits.
     */
    public static GgmlType typeOf(QuantScheme s) {
        String dt = s.dataType().toLowerCase(java.util.Locale.ROOT);
        if (GgufKQuantizer.supports(s)) {
            return switch (s.bits()) {
                case 2 -> GgmlType.Q2_K;
                case 3 -> GgmlType.Q3_K;
                case 4 -> GgmlType.Q4_K;
                case 5 -> GgmlType.Q5_K;
                default -> GgmlType.Q6_K;
            };
        }
        if (s.groupSize() != GgmlBlockCodec.QK) {
            return null;
        }
        if (dt.equals(FloatZeroPointQuantizer.DATA_TYPE) && !s.sym()) {
            return s.bits() == 4 ? GgmlType.Q4_1 : s.bits() == 5 ? GgmlType.Q5_1 : null;
        }
        if (dt.equals("int") && s.sym()) {
            return s.bits() == 4 ? GgmlType.Q4_0 : s.bits() == 5 ? GgmlType.Q5_0 : s.bits() == 8 ? GgmlType.Q8_0 : null;
        }
        return null;
    }

    /** Plain RTN of float weights ([rows * cols], row-major) into the scheme of {@code t}. */
    public static QuantizedWeight quantize(String name, float[] x, int rows, int cols, GgmlType t) {
        return WeightQuantizer.quantize(name, x, rows, cols, schemeOf(t), QuantOptions.rtn(Precision.FP32)).weight();
    }

    private static void check(QuantizedWeight w, GgmlType t) {
        QuantScheme s = w.scheme();
        QuantScheme needed = schemeOf(t);
        String problem = null;
        if (!needed.dataType().equals(s.dataType()) || needed.sym() != s.sym()) {
            problem = "data type " + s.dataType() + (s.sym() ? " sym" : " asym") + " (needs " + needed.dataType()
                    + (needed.sym() ? " sym" : " asym") + ")";
        } else if (GgmlBlockCodec.hasMin(t) && w.mins() == null) {
            problem = "no per-group float minimums";
        } else if (s.bits() != bits(t)) {
            problem = s.bits() + " bits (needs " + bits(t) + ")";
        } else if (s.groupSize() != GgmlBlockCodec.QK || w.cols() % GgmlBlockCodec.QK != 0) {
            problem = "group size " + s.groupSize() + " with " + w.cols() + " input channels (needs group 32 and a"
                    + " multiple of 32 channels)";
        } else if (!GgmlBlockCodec.hasMin(t) && w.zeros() != null) {
            for (int z : w.zeros()) {
                if (z != GgmlBlockCodec.offset(t)) {
                    problem = "zero point " + z + " (needs " + GgmlBlockCodec.offset(t) + ")";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("layer " + w.name() + " cannot be stored as GGUF " + t + ": " + problem);
        }
    }
}
