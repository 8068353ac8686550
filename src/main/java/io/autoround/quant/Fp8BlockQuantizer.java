package io.autoround.quant;

import io.autoround.quant.format.Float8E4M3;

/**
 * FP8 E4M3 weights in 2-D blocks ({@code block_fp8_sym}, FP8_BLOCK, reference-spec 2.7): one scale per
 * {@code blockRows x groupSize} block (128 x 128), {@code scale = max(amax / 448, 1/(448*512))},
 * {@code x' = e4m3(clamp(x / scale, ±448)) * scale}. A weight whose dimensions are not multiples of the block is
 * zero-padded by the reference, which changes no block maximum: the edge blocks are simply smaller here. Scales are
 * row-major over [ceil(rows / blockRows), ceil(cols / groupSize)] and rounded to the model precision, as stored.
 * Round-to-nearest only: SignRound offsets are not defined for 2-D blocks here.
 */
public final class Fp8BlockQuantizer {

    private Fp8BlockQuantizer() {
    }

    /** Quantise with a 2-D block FP8 scheme. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        if (!scheme.blocks2d()) {
            throw new IllegalArgumentException(name + ": scheme has no 2-D blocks: " + scheme);
        }
        if (w.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": weight has " + w.length + " values, expected " + rows + "x" + cols);
        }
        if (!opts.tuning().isNone()) {
            throw new UnsupportedOperationException(name + ": SignRound tuning of FP8 2-D blocks (FP8_BLOCK) is not"
                    + " implemented; use --iters 0");
        }
        int bm = scheme.blockRows();
        int bn = scheme.groupSize();
        int blockRows = scheme.blockRowsFor(rows);
        int blockCols = scheme.groupsPerRow(cols);
        float[] scales = new float[blockRows * blockCols];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int br = 0; br < blockRows; br++) {
            for (int bc = 0; bc < blockCols; bc++) {
                int r0 = br * bm;
                int r1 = Math.min(rows, r0 + bm);
                int c0 = bc * bn;
                int c1 = Math.min(cols, c0 + bn);
                float amax = 0f;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        amax = Math.max(amax, Math.abs(w[r * cols + c]));
                    }
                }
                float scale = opts.precision().round(Math.max(amax / Float8E4M3.MAX, Fp8Quantizer.MIN_SCALE));
                scales[br * blockCols + bc] = scale;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        int i = r * cols + c;
                        int code = Float8E4M3.encode(IntQuantizer.clamp(w[i] / scale, -Float8E4M3.MAX, Float8E4M3.MAX));
                        codes[i] = code;
                        deq[i] = opts.precision().round(Float8E4M3.decode(code) * scale);
                    }
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, rows, cols, scheme, codes, scales, null, Float.NaN), deq);
    }
}
