package io.autoround.export;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.util.List;

/**
 * AutoAWQ GEMM packing (reference-spec 3.5), 4-bit only: {@code qweight} I32 [K, N/8] and {@code qzeros} I32
 * [K/G, N/8], both packed along N with the AWQ nibble interleave (nibbles 0..7 hold columns 0,2,4,6,1,3,5,7 of
 * each block of 8), zero points stored as is; {@code scales} F16 [K/G, N].
 *
 * @param name format name for messages ({@code auto_awq} or {@code auto_round:auto_awq})
 */
public record AwqLayout(String name) implements PackedLayout {
    /** Nibble index of column {@code 8c + j}. */
    private static final int[] NIBBLE_OF_COLUMN = {0, 4, 1, 5, 2, 6, 3, 7};

    public static final AwqLayout AUTO_AWQ = new AwqLayout("auto_awq");
    public static final AwqLayout AUTO_ROUND_AWQ = new AwqLayout("auto_round:auto_awq");

    @Override
    public void check(String layer, QuantScheme s, int rows, int cols) {
        SchemeChecks.requireInt(name, layer, s);
        SchemeChecks.requireBits(name, layer, s, 4);
        SchemeChecks.groupWidth(name, layer, s, cols);
        SchemeChecks.requireMultiple(name, layer, "out_features", rows, 8);
    }

    /** Packs a [rowsOut, n] row-major matrix of 4-bit values (given by accessor) into [rowsOut, n/8] words. */
    private static int[] interleave(int rowsOut, int n, java.util.function.IntBinaryOperator value) {
        int words = n / 8;
        int[] out = new int[rowsOut * words];
        for (int r = 0; r < rowsOut; r++) {
            for (int c = 0; c < words; c++) {
                int word = 0;
                for (int j = 0; j < 8; j++) {
                    word += value.applyAsInt(r, 8 * c + j) << (4 * NIBBLE_OF_COLUMN[j]);
                }
                out[r * words + c] = word;
            }
        }
        return out;
    }

    private static int[] deinterleave(int[] words, int rowsOut, int n) {
        int[] out = new int[rowsOut * n];
        int perRow = n / 8;
        for (int r = 0; r < rowsOut; r++) {
            for (int col = 0; col < n; col++) {
                int word = words[r * perRow + col / 8];
                out[r * n + col] = (word >>> (4 * NIBBLE_OF_COLUMN[col % 8])) & 0xF;
            }
        }
        return out;
    }

    @Override
    public List<TensorData> pack(QuantizedWeight w) {
        check(w.name(), w.scheme(), w.rows(), w.cols());
        int n = w.rows();
        int k = w.cols();
        int groups = k / SchemeChecks.groupWidth(name, w.name(), w.scheme(), k);
        SchemeChecks.checkArrays(w, groups);
        int[] zeros = SchemeChecks.zeros(w);
        int[] codes = w.codes();
        int[] qweight = interleave(k, n, (kk, col) -> codes[col * k + kk]);
        int[] qzeros = interleave(groups, n, (grp, col) -> zeros[col * groups + grp]);
        float[] scales = new float[groups * n];
        for (int grp = 0; grp < groups; grp++) {
            for (int col = 0; col < n; col++) {
                scales[grp * n + col] = w.scales()[col * groups + grp];
            }
        }
        return List.of(
                TensorData.ofInts(w.name() + ".qweight", new long[] {k, n / 8}, qweight, DType.I32),
                TensorData.ofInts(w.name() + ".qzeros", new long[] {groups, n / 8}, qzeros, DType.I32),
                TensorData.ofFloats(w.name() + ".scales", new long[] {groups, n}, scales, DType.F16));
    }

    @Override
    public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
        LayerTensors t = new LayerTensors(src, layer, name);
        if (s.bits() != 4) {
            throw t.fail("AWQ checkpoints hold 4-bit weights only, config says " + s.bits());
        }
        TensorInfo qw = t.info("qweight", 2, DType.I32);
        TensorInfo sc = t.info("scales", 2, DType.F16, DType.BF16, DType.F32);
        TensorInfo qz = t.info("qzeros", 2, DType.I32);
        int k = Math.toIntExact(qw.shape()[0]);
        int n = Math.toIntExact(qw.shape()[1] * 8);
        int g = s.groupSize() > 0 ? s.groupSize() : k;
        if (k % g != 0) {
            throw t.fail("in_features " + k + " is not a multiple of group_size " + g);
        }
        int groups = k / g;
        t.expectShape(sc, groups, n);
        t.expectShape(qz, groups, n / 8);
        int[] byK = deinterleave(t.ints("qweight"), k, n);
        int[] zByG = deinterleave(t.ints("qzeros"), groups, n);
        float[] stored = t.floats("scales");
        int[] codes = new int[n * k];
        for (int kk = 0; kk < k; kk++) {
            for (int col = 0; col < n; col++) {
                codes[col * k + kk] = byK[kk * n + col];
            }
        }
        int[] zeros = new int[n * groups];
        float[] scales = new float[n * groups];
        for (int grp = 0; grp < groups; grp++) {
            for (int col = 0; col < n; col++) {
                zeros[col * groups + grp] = zByG[grp * n + col];
                scales[col * groups + grp] = stored[grp * n + col];
            }
        }
        return new QuantizedWeight(layer, n, k, s, codes, scales, zeros, Float.NaN);
    }

    @Override
    public String markerSuffix() {
        return ".qweight";
    }
}
