package io.autoround.export;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.util.List;

/**
 * compressed-tensors {@code int-quantized} for symmetric 8-bit per-channel weights (the reference's dynamic INT8 W8A8
 * through compressed-tensors' naive compressor, reference-spec 3.6): {@code L.weight} I8 [N, K] holding the signed
 * code {@code round(W / scale)} in [-128, 127] and {@code L.weight_scale} F16 [N, 1]; no zero point (symmetric).
 * Value = weight * scale. Activations are quantized per token at run time (nothing stored).
 */
final class IntQuantizedLayout implements PackedLayout {
    static final IntQuantizedLayout INSTANCE = new IntQuantizedLayout();
    private static final String NAME = "llm_compressor:int-quantized";

    private IntQuantizedLayout() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(String layer, QuantScheme s, int rows, int cols) {
        if (!"int".equals(s.dataType())) {
            throw SchemeChecks.unsupported(NAME, layer, "data_type '" + s.dataType() + "' is not int");
        }
        SchemeChecks.requireBits(NAME, layer, s, 8);
        if (!s.sym() || s.groupSize() != -1) {
            throw SchemeChecks.unsupported(NAME, layer, "int-quantized W8A8 needs symmetric per-channel weights"
                    + " (group_size -1, sym), got group_size " + s.groupSize() + (s.sym() ? "" : ", asym"));
        }
    }

    @Override
    public List<TensorData> pack(QuantizedWeight w) {
        check(w.name(), w.scheme(), w.rows(), w.cols());
        SchemeChecks.checkArrays(w, 1);
        int[] zeros = SchemeChecks.zeros(w);
        int[] signed = new int[w.codes().length];
        for (int r = 0; r < w.rows(); r++) {
            if (zeros[r] != 128) {
                throw new IllegalArgumentException("layer '" + w.name() + "': symmetric 8-bit zero point must be 128, got "
                        + zeros[r]);
            }
            for (int c = 0; c < w.cols(); c++) {
                signed[r * w.cols() + c] = w.codes()[r * w.cols() + c] - 128;
            }
        }
        return List.of(
                TensorData.ofInts(w.name() + ".weight", new long[] {w.rows(), w.cols()}, signed, DType.I8),
                TensorData.ofFloats(w.name() + ".weight_scale", new long[] {w.rows(), 1}, w.scales(), DType.F16));
    }

    @Override
    public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
        LayerTensors t = new LayerTensors(src, layer, NAME);
        check(layer, s, 0, 0);
        TensorInfo weight = t.info("weight", 2, DType.I8);
        int n = Math.toIntExact(weight.shape()[0]);
        int k = Math.toIntExact(weight.shape()[1]);
        TensorInfo scale = t.infoAnyRank("weight_scale", DType.F16, DType.BF16, DType.F32);
        if (scale.numel() != n) {
            throw t.fail("tensor '" + scale.name() + "' has " + scale.numel() + " values, expected " + n
                    + " (one per output channel)");
        }
        int[] codes = t.ints("weight");
        for (int i = 0; i < codes.length; i++) {
            codes[i] += 128;
        }
        return new QuantizedWeight(layer, n, k, s, codes, t.floats("weight_scale"), null, Float.NaN);
    }

    @Override
    public String markerSuffix() {
        return ".weight_scale";
    }

    /** compressed-tensors keeps the module's bias as is. */
    @Override
    public boolean biasAsFp16() {
        return false;
    }
}
