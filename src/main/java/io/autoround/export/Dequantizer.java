package io.autoround.export;

import io.autoround.model.safetensors.ElementCodec;
import io.autoround.quant.QuantizedWeight;

/** Dequantizes a {@link QuantizedWeight} to fp32 with the formulas of its data type family. */
public final class Dequantizer {
    private Dequantizer() {}

    /** The weight [rows * cols], row-major. */
    public static float[] dequantize(QuantizedWeight w) {
        int rows = w.rows();
        int cols = w.cols();
        float[] out = new float[rows * cols];
        String type = w.scheme().dataType();
        int[] zeros = "int".equals(type) ? SchemeChecks.zeros(w) : null;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int gi = w.scaleIndex(r, c);
                int code = w.codes()[r * cols + c];
                float scale = w.scales()[gi];
                out[r * cols + c] = switch (type) {
                    case "int" -> (code - zeros[gi]) * scale;
                    case "mx_fp" -> element(w, code) * scale;
                    case "nv_fp" -> FpCodes.e2m1ToFloat(code) * scale / w.globalScale();
                    case "fp" -> ElementCodec.e4m3ToFloat(code) * scale;
                    // GGUF k-quants (GgufKQuantizer): asym value = code * (d*sc) - dmin*m, sym codes offset by 2^(bits-1)
                    case "int_asym_dq" -> code * scale + w.mins()[gi];
                    case "int_sym_dq" -> (code - (1 << (w.scheme().bits() - 1))) * scale;
                    default -> throw new IllegalArgumentException("layer '" + w.name() + "': cannot dequantize data_type '"
                            + type + "'");
                };
            }
        }
        return out;
    }

    private static float element(QuantizedWeight w, int code) {
        return w.scheme().bits() == 4 ? FpCodes.e2m1ToFloat(code) : ElementCodec.e4m3ToFloat(code);
    }
}
