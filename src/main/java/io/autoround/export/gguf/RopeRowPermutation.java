package io.autoround.export.gguf;

/**
 * llama.cpp's {@code permute(w, n_head)} for Q/K projections: within each head, rows ordered
 * {@code [first half..., second half...]} (Hugging Face rotate-half RoPE) become interleaved pairs
 * {@code (j, half + j)}. Rows are independent in the group-32 formats, so it applies equally to float rows and to
 * quantized rows with their per-row group scales.
 */
public final class RopeRowPermutation {
    private RopeRowPermutation() {}

    /** {@code source[i]} = the old row that becomes row {@code i}. */
    public static int[] sourceRows(int rows, int heads) {
        if (heads <= 0 || rows % (2 * heads) != 0) {
            throw new IllegalArgumentException("cannot permute " + rows + " rows for RoPE over " + heads + " heads");
        }
        int half = rows / heads / 2;
        int[] source = new int[rows];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                for (int t = 0; t < 2; t++) {
                    source[h * 2 * half + j * 2 + t] = h * 2 * half + t * half + j;
                }
            }
        }
        return source;
    }

    /** The inverse of a row order: applying it to permuted rows restores the original order exactly. */
    public static int[] inverse(int[] source) {
        int[] inv = new int[source.length];
        for (int r = 0; r < source.length; r++) {
            inv[source[r]] = r;
        }
        return inv;
    }

    /** Permutes whole rows of {@code width} elements (float data). */
    public static float[] apply(float[] data, int width, int[] source) {
        float[] out = new float[data.length];
        for (int r = 0; r < source.length; r++) {
            System.arraycopy(data, source[r] * width, out, r * width, width);
        }
        return out;
    }

    /** Permutes whole rows of {@code width} elements (int data). */
    public static int[] apply(int[] data, int width, int[] source) {
        int[] out = new int[data.length];
        for (int r = 0; r < source.length; r++) {
            System.arraycopy(data, source[r] * width, out, r * width, width);
        }
        return out;
    }
}
