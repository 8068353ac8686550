package io.autoround.export.gguf;

import io.autoround.quant.GgufKQuantizer;
import io.autoround.quant.QuantizedWeight;

/**
 * Turns a k-quant {@link QuantizedWeight} (from {@link GgufKQuantizer}) into Q4_K/Q5_K/Q6_K super-blocks without
 * re-rounding: the sub-block integers come from {@code zeros}, and each super-block's fp16 {@code d} (and
 * {@code dmin}) is recovered exactly as {@code scale / sc} (an fp16 times a 6- or 8-bit integer is exact in fp32).
 * Every sub-block is checked against the recovered super scales, so the file dequantizes to exactly the weights
 * the quantizer produced.
 */
final class GgufKLayerPacker {
    private GgufKLayerPacker() {}

    /** Packs {@code w} as {@code t} after reordering its rows by {@code rowSource} (null = keep the order). */
    static byte[] pack(QuantizedWeight w, GgmlType t, int[] rowSource) {
        int sub = GgmlKBlockCodec.subBlockSize(t);
        if (!GgufKQuantizer.supports(w.scheme()) || GgufLayerPacker.typeOf(w.scheme()) != t || w.zeros() == null
                || w.cols() % GgmlKBlockCodec.QK_K != 0 || (GgmlKBlockCodec.hasMin(t) && w.mins() == null)) {
            throw new IllegalArgumentException("layer " + w.name() + " cannot be stored as GGUF " + t + ": scheme "
                    + w.scheme().dataType() + " " + w.scheme().bits() + " bits group " + w.scheme().groupSize()
                    + " with " + w.cols() + " input channels (needs the " + t + " k-quant scheme and a multiple of "
                    + GgmlKBlockCodec.QK_K + " channels)");
        }
        int[] codes = w.codes();
        float[] scales = w.scales();
        int[] ints = w.zeros();
        float[] mins = w.mins();
        int groups = w.cols() / sub;
        if (rowSource != null) {
            codes = RopeRowPermutation.apply(codes, w.cols(), rowSource);
            scales = RopeRowPermutation.apply(scales, groups, rowSource);
            ints = RopeRowPermutation.apply(ints, groups, rowSource);
            mins = mins == null ? null : RopeRowPermutation.apply(mins, groups, rowSource);
        }
        boolean asym = GgmlKBlockCodec.hasMin(t);
        int perBlock = GgmlKBlockCodec.QK_K / sub;
        int nb = codes.length / GgmlKBlockCodec.QK_K;
        float[] d = new float[nb];
        float[] dmin = asym ? new float[nb] : null;
        int[] sc = new int[nb * perBlock];
        int[] mn = asym ? new int[nb * perBlock] : null;
        for (int g = 0; g < sc.length; g++) {
            sc[g] = asym ? ints[g] & 0xFF : ints[g];
            if (asym) {
                mn[g] = ints[g] >> 8;
            }
        }
        for (int b = 0; b < nb; b++) {
            d[b] = superScale(w, t, scales, sc, b, perBlock, 1f, "scale");
            if (asym) {
                dmin[b] = superScale(w, t, mins, mn, b, perBlock, -1f, "min");
            }
        }
        try {
            return GgmlKBlockCodec.pack(t, new GgmlKBlockCodec.Blocks(codes, d, dmin, sc, mn));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(w.name() + ": " + e.getMessage(), e);
        }
    }

    /** The super scale with {@code sign * values[g] == super * ints[g]} for all sub-blocks of block {@code b}. */
    private static float superScale(QuantizedWeight w, GgmlType t, float[] values, int[] ints, int b, int perBlock,
            float sign, String what) {
        float s = 0f;
        for (int j = 0; j < perBlock; j++) {
            int g = b * perBlock + j;
            if (ints[g] != 0) {
                s = sign * values[g] / ints[g];
                break;
            }
        }
        for (int j = 0; j < perBlock; j++) {
            int g = b * perBlock + j;
            if (Float.compare(s * ints[g], sign * values[g]) != 0 && !(s * ints[g] == 0 && values[g] == 0)) {
                throw new IllegalArgumentException("layer " + w.name() + " cannot be stored as GGUF " + t
                        + ": sub-block " + g + " " + what + " " + values[g] + " is not the super-block " + what
                        + " " + s + " times its integer " + ints[g]);
            }
        }
        return s;
    }
}
