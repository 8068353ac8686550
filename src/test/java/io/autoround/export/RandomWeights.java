package io.autoround.export;

import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.util.Random;

/** Seeded random quantized weights that satisfy the QuantizedWeight contract. */
final class RandomWeights {
    private RandomWeights() {}

    /** An fp16-representable scale, negative sometimes for symmetric schemes (the reference allows that). */
    static float fp16Scale(Random r, boolean allowNegative) {
        float v = (float) (1e-4 + r.nextDouble() * 0.05);
        if (allowNegative && r.nextInt(8) == 0) {
            v = -v;
        }
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** Int weight; asymmetric zero points in [minZero, 2^bits - 1]. */
    static QuantizedWeight intWeight(String name, int rows, int cols, QuantScheme s, long seed, int minZero) {
        Random r = new Random(seed);
        int levels = 1 << s.bits();
        int groups = s.groupsPerRow(cols);
        int[] codes = new int[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.nextInt(levels);
        }
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = fp16Scale(r, s.sym());
            zeros[i] = s.sym() ? levels / 2 : minZero + r.nextInt(levels - minZero);
        }
        return new QuantizedWeight(name, rows, cols, s, codes, scales, zeros, Float.NaN);
    }

    /** MXFP4/MXFP8 (E2M1 nibbles or E4M3 bytes, power-of-two scales) or NVFP4 (E4M3 block scales). */
    static QuantizedWeight fpWeight(String name, int rows, int cols, QuantScheme s, long seed) {
        Random r = new Random(seed);
        int groups = cols / s.groupSize();
        int[] codes = new int[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            int c = s.bits() == 4 ? r.nextInt(16) : r.nextInt(256);
            codes[i] = (s.bits() == 8 && (c & 0x7F) == 0x7F) ? 0x7E : c; // no E4M3 NaN codes
        }
        float[] scales = new float[rows * groups];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = "mx_fp".equals(s.dataType()) ? Math.scalb(1f, r.nextInt(30) - 20)
                    : io.autoround.model.safetensors.ElementCodec.e4m3ToFloat(1 + r.nextInt(0x7E));
        }
        float global = "nv_fp".equals(s.dataType()) ? 448f * 6f / (0.5f + r.nextFloat()) : Float.NaN;
        return new QuantizedWeight(name, rows, cols, s, codes, scales, null, global);
    }
}
