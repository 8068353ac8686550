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
 * compressed-tensors {@code pack-quantized} int weights (reference-spec 3.6, as compressed-tensors'
 * {@code pack_to_int32}): {@code weight_packed} I32 [N, ceil(K/(32/b))] (codes offset to unsigned, 32/b per word,
 * LSB first along K), {@code weight_scale} F16 [N, K/G], {@code weight_zero_point} (I8 zeros for symmetric;
 * I32 packed along N for asymmetric) and {@code weight_shape} I64 [2]. Bias stays in the model dtype.
 */
public final class PackQuantizedLayout implements PackedLayout {
    public static final PackQuantizedLayout INSTANCE = new PackQuantizedLayout();
    private static final String NAME = "llm_compressor (pack-quantized)";

    private PackQuantizedLayout() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(String layer, QuantScheme s, int rows, int cols) {
        SchemeChecks.requireInt(NAME, layer, s);
        SchemeChecks.requireBits(NAME, layer, s, 4, 8);
        SchemeChecks.groupWidth(NAME, layer, s, cols);
    }

    @Override
    public List<TensorData> pack(QuantizedWeight w) {
        check(w.name(), w.scheme(), w.rows(), w.cols());
        int n = w.rows();
        int k = w.cols();
        int bits = w.scheme().bits();
        int groups = k / SchemeChecks.groupWidth(NAME, w.name(), w.scheme(), k);
        SchemeChecks.checkArrays(w, groups);
        int perRow = Int32BitStream.words(k, bits);
        int[] packed = new int[n * perRow];
        for (int r = 0; r < n; r++) {
            Int32BitStream.pack(w.codes(), r * k, 1, k, bits, packed, r * perRow, 1);
        }
        List<TensorData> out = new ArrayList<>();
        out.add(TensorData.ofInts(w.name() + ".weight_packed", new long[] {n, perRow}, packed, DType.I32));
        out.add(TensorData.ofFloats(w.name() + ".weight_scale", new long[] {n, groups}, w.scales(), DType.F16));
        if (w.scheme().sym()) {
            out.add(TensorData.ofInts(w.name() + ".weight_zero_point", new long[] {n, groups},
                    new int[n * groups], DType.I8));
        } else {
            int[] zeros = SchemeChecks.zeros(w);
            int zRows = Int32BitStream.words(n, bits);
            int[] zp = new int[zRows * groups];
            for (int grp = 0; grp < groups; grp++) {
                Int32BitStream.pack(zeros, grp, groups, n, bits, zp, grp, groups);
            }
            out.add(TensorData.ofInts(w.name() + ".weight_zero_point", new long[] {zRows, groups}, zp, DType.I32));
        }
        out.add(TensorData.ofInts(w.name() + ".weight_shape", new long[] {2}, new int[] {n, k}, DType.I64));
        return out;
    }

    @Override
    public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
        LayerTensors t = new LayerTensors(src, layer, NAME);
        int bits = s.bits();
        TensorInfo shapeInfo = t.info("weight_shape", 1, DType.I64, DType.I32);
        t.expectShape(shapeInfo, 2);
        int[] shape = t.ints("weight_shape");
        int n = shape[0];
        int k = shape[1];
        int perRow = Int32BitStream.words(k, bits);
        t.expectShape(t.info("weight_packed", 2, DType.I32), n, perRow);
        int g = s.groupSize() > 0 ? s.groupSize() : k;
        if (k % g != 0) {
            throw t.fail("in_features " + k + " is not a multiple of group_size " + g);
        }
        int groups = k / g;
        t.expectShape(t.info("weight_scale", 2, DType.F16, DType.BF16, DType.F32), n, groups);
        int[] packed = t.ints("weight_packed");
        int[] codes = new int[n * k];
        for (int r = 0; r < n; r++) {
            Int32BitStream.unpack(packed, r * perRow, 1, k, bits, codes, r * k, 1);
        }
        int[] zeros = new int[n * groups];
        if (s.sym()) {
            java.util.Arrays.fill(zeros, 1 << (bits - 1));
        } else {
            int zRows = Int32BitStream.words(n, bits);
            t.expectShape(t.info("weight_zero_point", 2, DType.I32), zRows, groups);
            int[] zp = t.ints("weight_zero_point");
            for (int grp = 0; grp < groups; grp++) {
                Int32BitStream.unpack(zp, grp, groups, n, bits, zeros, grp, groups);
            }
        }
        return new QuantizedWeight(layer, n, k, s, codes, t.floats("weight_scale"), zeros, Float.NaN);
    }

    @Override
    public String markerSuffix() {
        return ".weight_packed";
    }

    @Override
    public boolean biasAsFp16() {
        return false;
    }
}
