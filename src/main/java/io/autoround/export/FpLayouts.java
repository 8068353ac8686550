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
 * The MX/NV fp tensors shared by {@code auto_round} and {@code llm_compressor} (reference-spec 3.6): MXFP4
 * {@code weight_packed} U8 [N, K/2] + {@code weight_scale} U8 E8M0 [N, K/32]; MXFP8 {@code weight} F8_E4M3 +
 * E8M0 scales; NVFP4 {@code weight_packed} + {@code weight_scale} F8_E4M3 [N, K/16] + {@code weight_global_scale}
 * F32 [1]. FP4 nibbles: even element in the low nibble.
 */
public final class FpLayouts {
    private FpLayouts() {}

    /** The layout for an fp scheme. */
    public static PackedLayout forScheme(String format, QuantScheme s) {
        return switch (s.dataType()) {
            case "mx_fp" -> new Mx(format, s.bits());
            case "nv_fp" -> new Nv(format);
            default -> throw new UnsupportedSchemeException(format + " cannot store data_type '" + s.dataType() + "'");
        };
    }

    static byte[] packNibbles(int[] codes) {
        byte[] out = new byte[codes.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((codes[2 * i] & 0xF) | (codes[2 * i + 1] & 0xF) << 4);
        }
        return out;
    }

    static int[] unpackNibbles(byte[] packed) {
        int[] out = new int[packed.length * 2];
        for (int i = 0; i < packed.length; i++) {
            out[2 * i] = packed[i] & 0xF;
            out[2 * i + 1] = (packed[i] >> 4) & 0xF;
        }
        return out;
    }

    private static void checkFp(String format, String layer, QuantScheme s, int cols, String type, int group,
            int... bits) {
        if (!type.equals(s.dataType())) {
            throw SchemeChecks.unsupported(format, layer, "data_type '" + s.dataType() + "' is not " + type);
        }
        SchemeChecks.requireBits(format, layer, s, bits);
        if (s.groupSize() != group) {
            throw SchemeChecks.unsupported(format, layer, type + " needs group_size " + group + ", got " + s.groupSize());
        }
        SchemeChecks.requireMultiple(format, layer, "in_features", cols, group);
    }

    /** MXFP4 / MXFP8 weights. */
    record Mx(String name, int bits) implements PackedLayout {
        @Override
        public void check(String layer, QuantScheme s, int rows, int cols) {
            checkFp(name, layer, s, cols, "mx_fp", 32, 4, 8);
        }

        @Override
        public List<TensorData> pack(QuantizedWeight w) {
            check(w.name(), w.scheme(), w.rows(), w.cols());
            long n = w.rows();
            long k = w.cols();
            int[] e8m0 = new int[w.scales().length];
            for (int i = 0; i < e8m0.length; i++) {
                e8m0[i] = FpCodes.powerOfTwoToE8m0(w.scales()[i], w.name() + " scale " + i);
            }
            List<TensorData> out = new ArrayList<>();
            if (bits == 4) {
                out.add(new TensorData(w.name() + ".weight_packed", DType.U8, new long[] {n, k / 2}, packNibbles(w.codes())));
            } else {
                out.add(TensorData.ofInts(w.name() + ".weight", new long[] {n, k}, w.codes(), DType.F8_E4M3));
            }
            out.add(TensorData.ofInts(w.name() + ".weight_scale", new long[] {n, k / 32}, e8m0, DType.U8));
            return out;
        }

        @Override
        public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
            LayerTensors t = new LayerTensors(src, layer, name);
            int[] codes;
            int n;
            int k;
            if (s.bits() == 4) {
                TensorInfo p = t.info("weight_packed", 2, DType.U8);
                n = Math.toIntExact(p.shape()[0]);
                k = Math.toIntExact(p.shape()[1] * 2);
                codes = unpackNibbles(t.bytes("weight_packed"));
            } else {
                TensorInfo p = t.info("weight", 2, DType.F8_E4M3);
                n = Math.toIntExact(p.shape()[0]);
                k = Math.toIntExact(p.shape()[1]);
                codes = t.ints("weight");
            }
            TensorInfo sc = t.info("weight_scale", 2, DType.U8, DType.F8_E8M0);
            t.expectShape(sc, n, k / 32);
            int[] e8m0 = t.ints("weight_scale");
            float[] scales = new float[e8m0.length];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = FpCodes.e8m0ToFloat(e8m0[i]);
            }
            return new QuantizedWeight(layer, n, k, s, codes, scales, null, Float.NaN);
        }

        @Override
        public String markerSuffix() {
            return bits == 4 ? ".weight_packed" : ".weight_scale";
        }
    }

    /** NVFP4 weights with E4M3 block scales and an fp32 global scale. */
    record Nv(String name) implements PackedLayout {
        @Override
        public void check(String layer, QuantScheme s, int rows, int cols) {
            checkFp(name, layer, s, cols, "nv_fp", 16, 4);
        }

        @Override
        public List<TensorData> pack(QuantizedWeight w) {
            check(w.name(), w.scheme(), w.rows(), w.cols());
            if (Float.isNaN(w.globalScale())) {
                throw new IllegalArgumentException("layer '" + w.name() + "': NVFP4 weight without a global scale");
            }
            long n = w.rows();
            long k = w.cols();
            int[] e4m3 = new int[w.scales().length];
            for (int i = 0; i < e4m3.length; i++) {
                e4m3[i] = FpCodes.floatToE4m3Exact(w.scales()[i], w.name() + " block scale " + i);
            }
            return List.of(
                    new TensorData(w.name() + ".weight_packed", DType.U8, new long[] {n, k / 2}, packNibbles(w.codes())),
                    TensorData.ofInts(w.name() + ".weight_scale", new long[] {n, k / 16}, e4m3, DType.F8_E4M3),
                    TensorData.ofFloats(w.name() + ".weight_global_scale", new long[] {1},
                            new float[] {w.globalScale()}, DType.F32));
        }

        @Override
        public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
            LayerTensors t = new LayerTensors(src, layer, name);
            TensorInfo p = t.info("weight_packed", 2, DType.U8);
            int n = Math.toIntExact(p.shape()[0]);
            int k = Math.toIntExact(p.shape()[1] * 2);
            t.expectShape(t.info("weight_scale", 2, DType.F8_E4M3), n, k / 16);
            t.expectShape(t.info("weight_global_scale", 1, DType.F32), 1);
            int[] codes = unpackNibbles(t.bytes("weight_packed"));
            return new QuantizedWeight(layer, n, k, s, codes, t.floats("weight_scale"), null,
                    t.floats("weight_global_scale")[0]);
        }

        @Override
        public String markerSuffix() {
            return ".weight_packed";
        }

        /** Static NVFP4 activations need the calibrated {@code input_global_scale} (F32 [1], 448*6/act_max). */
        @Override
        public List<String> requiredRawSuffixes(QuantScheme s) {
            return s.actBits() < 16 && !s.actDynamic() || "nv_fp4_with_static_gs".equals(s.actDataType())
                    ? List.of("input_global_scale") : List.of();
        }
    }
}
