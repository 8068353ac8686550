package io.autoround.export;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPTQ int packing (reference-spec 3.3): {@code qweight} I32 [K*b/32, N] packed along K, {@code qzeros} I32
 * [K/G, N*b/32] packed along N, {@code scales} F16 [K/G, N] and optionally {@code g_idx} I32 [K]. Used by
 * {@code auto_round:auto_gptq} (zero point minus one, no g_idx), {@code auto_gptq} (minus one, g_idx) and plain
 * {@code auto_round} / {@code auto_round:gptqmodel} (zero point as is).
 *
 * @param name format name for messages
 * @param zeroMinusOne GPTQ v1 convention: stored zero = zero point - 1
 * @param gIdx write the trivial {@code g_idx = k / G}
 */
public record GptqLayout(String name, boolean zeroMinusOne, boolean gIdx) implements PackedLayout {

    /** {@code auto_round:auto_gptq}: zp - 1, no g_idx. */
    public static final GptqLayout AUTO_ROUND_GPTQ = new GptqLayout("auto_round:auto_gptq", true, false);
    /** {@code auto_gptq}: zp - 1 with g_idx. */
    public static final GptqLayout AUTO_GPTQ = new GptqLayout("auto_gptq", true, true);
    /** Plain {@code auto_round} packing: zero points as is, no g_idx. */
    public static final GptqLayout AUTO_ROUND_PLAIN = new GptqLayout("auto_round", false, false);
    /** {@code auto_round:gptqmodel}: zero points as is, with g_idx. */
    public static final GptqLayout GPTQMODEL = new GptqLayout("auto_round:gptqmodel", false, true);

    @Override
    public void check(String layer, QuantScheme s, int rows, int cols) {
        SchemeChecks.requireInt(name, layer, s);
        SchemeChecks.requireBits(name, layer, s, 2, 3, 4, 8);
        SchemeChecks.partialGroupWidth(name, layer, s, cols);
        SchemeChecks.requireMultiple(name, layer, "in_features*bits", (long) cols * s.bits(), 32);
        SchemeChecks.requireMultiple(name, layer, "out_features*bits", (long) rows * s.bits(), 32);
    }

    @Override
    public List<TensorData> pack(QuantizedWeight w) {
        check(w.name(), w.scheme(), w.rows(), w.cols());
        int n = w.rows();
        int k = w.cols();
        int bits = w.scheme().bits();
        int g = SchemeChecks.partialGroupWidth(name, w.name(), w.scheme(), k);
        int groups = (k + g - 1) / g;
        SchemeChecks.checkArrays(w, groups);
        int[] zeros = SchemeChecks.zeros(w);

        int qRows = k * bits / 32;
        int[] qweight = new int[qRows * n];
        for (int col = 0; col < n; col++) {
            Int32BitStream.pack(w.codes(), col * k, 1, k, bits, qweight, col, n);
        }
        int zCols = n * bits / 32;
        int[] shifted = new int[zeros.length];
        for (int i = 0; i < zeros.length; i++) {
            shifted[i] = zeros[i] - (zeroMinusOne ? 1 : 0);
        }
        int[] qzeros = new int[groups * zCols];
        float[] scales = new float[groups * n];
        for (int grp = 0; grp < groups; grp++) {
            Int32BitStream.pack(shifted, grp, groups, n, bits, qzeros, grp * zCols, 1);
            for (int col = 0; col < n; col++) {
                scales[grp * n + col] = w.scales()[col * groups + grp];
            }
        }
        List<TensorData> out = new ArrayList<>();
        out.add(TensorData.ofInts(w.name() + ".qweight", new long[] {qRows, n}, qweight, DType.I32));
        out.add(TensorData.ofInts(w.name() + ".qzeros", new long[] {groups, zCols}, qzeros, DType.I32));
        out.add(TensorData.ofFloats(w.name() + ".scales", new long[] {groups, n}, scales, DType.F16));
        if (gIdx) {
            int[] idx = new int[k];
            for (int i = 0; i < k; i++) {
                idx[i] = i / g;
            }
            out.add(TensorData.ofInts(w.name() + ".g_idx", new long[] {k}, idx, DType.I32));
        }
        return out;
    }

    @Override
    public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
        LayerTensors t = new LayerTensors(src, layer, name);
        int bits = s.bits();
        TensorInfo qw = t.info("qweight", 2, DType.I32);
        TensorInfo sc = t.info("scales", 2, DType.F16, DType.BF16, DType.F32);
        TensorInfo qz = t.info("qzeros", 2, DType.I32);
        int n = Math.toIntExact(qw.shape()[1]);
        long kBits = qw.shape()[0] * 32;
        if (kBits % bits != 0) {
            throw t.fail("qweight rows " + qw.shape()[0] + " do not hold a whole number of " + bits + "-bit values");
        }
        int k = Math.toIntExact(kBits / bits);
        int g = s.groupSize() > 0 ? s.groupSize() : k;
        int groups = (k + g - 1) / g;
        t.expectShape(sc, groups, n);
        int zCols = Int32BitStream.words(n, bits);
        t.expectShape(qz, groups, zCols);
        if (t.has("g_idx")) {
            int[] idx = t.ints("g_idx");
            for (int i = 0; i < idx.length; i++) {
                if (idx.length != k || idx[i] != i / g) {
                    throw t.fail("g_idx is not the trivial k/group_size order (desc_act checkpoints are not supported)");
                }
            }
        }
        int[] qweight = t.ints("qweight");
        int[] codes = new int[n * k];
        for (int col = 0; col < n; col++) {
            Int32BitStream.unpack(qweight, col, n, k, bits, codes, col * k, 1);
        }
        int[] qzeros = t.ints("qzeros");
        float[] stored = t.floats("scales");
        int[] zeros = new int[n * groups];
        float[] scales = new float[n * groups];
        for (int grp = 0; grp < groups; grp++) {
            Int32BitStream.unpack(qzeros, grp * zCols, 1, n, bits, zeros, grp, groups);
            for (int col = 0; col < n; col++) {
                scales[col * groups + grp] = stored[grp * n + col];
            }
        }
        if (zeroMinusOne) {
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] += 1;
            }
        }
        return new QuantizedWeight(layer, n, k, s, codes, scales, zeros, Float.NaN);
    }

    @Override
    public String markerSuffix() {
        return ".qweight";
    }
}
