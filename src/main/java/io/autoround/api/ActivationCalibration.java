package io.autoround.api;

import io.autoround.model.nn.DecoderBlock;
import io.autoround.model.nn.LinearLayer;
import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Static activation scales from calibration (reference-spec 2.6, 2.7): NVFP4 with static activations stores
 * {@code input_global_scale = 448 * 6 / act_max} (F32 [1]) per Linear, FP8_STATIC stores
 * {@code input_scale = max(act_max / 448, 1/(448*512))} ([1], in the model dtype), act_max being the largest |input|
 * seen on the fp calibration pass; experts of one MoE block share one act_max per projection.
 */
final class ActivationCalibration {
    private static final float E4M3_MAX = 448f;
    private static final float FP4_MAX = 6f;

    private final Map<String, float[]> maxAbs = new LinkedHashMap<>();
    private final Precision precision;

    /** @param precision the model precision FP8 input scales are rounded to (they are stored in the model dtype) */
    ActivationCalibration(Precision precision) {
        this.precision = precision;
    }

    /** True when the scheme's activations need a calibrated static scale. */
    static boolean needsStaticScale(QuantScheme s) {
        return s != null && !s.keepsFullPrecision() && ActivationQuant.of(s).staticScale();
    }

    /** Observes the inputs of the layers of {@code block} that need a static scale. */
    void observe(DecoderBlock block, List<String> names, Map<String, QuantScheme> schemes) {
        for (String name : names) {
            if (!needsStaticScale(schemes.get(name))) {
                continue;
            }
            float[] m = maxAbs.computeIfAbsent(sharedKey(name), k -> new float[1]);
            LinearLayer l = block.linear(name);
            l.addInputObserver(x -> {
                try (var a = x.abs().max().toType(ai.djl.ndarray.types.DataType.FLOAT32, false)) {
                    m[0] = Math.max(m[0], a.getFloat());
                }
            });
        }
    }

    /** The calibrated max |input| of each observed layer among {@code names} (what the tuner's static QDQ uses). */
    Map<String, Float> actMax(List<String> names, Map<String, QuantScheme> schemes) {
        Map<String, Float> out = new LinkedHashMap<>();
        names.stream().filter(n -> needsStaticScale(schemes.get(n))).forEach(n -> out.put(n, maxAbs.get(sharedKey(n))[0]));
        return out;
    }

    /** The {@code input_global_scale} (NVFP4) or {@code input_scale} (FP8) tensors of the observed layers. */
    List<TensorData> scales(List<String> names, Map<String, QuantScheme> schemes) {
        return names.stream().filter(n -> needsStaticScale(schemes.get(n))).map(n -> {
            float amax = maxAbs.get(sharedKey(n))[0];
            if (!(amax > 0) || !Float.isFinite(amax)) {
                throw new ArithmeticException(n + ": calibration saw no finite non-zero input (max |x| = " + amax
                        + "); cannot derive its static activation scale");
            }
            if (ActivationQuant.of(schemes.get(n)) == ActivationQuant.FP8_STATIC) {
                return TensorData.ofFloats(n + ".input_scale", new long[] {1},
                        new float[] {ActivationQuant.fp8InputScale(amax, precision)},
                        precision == Precision.BF16 ? DType.BF16 : DType.F32);
            }
            return TensorData.ofFloats(n + ".input_global_scale", new long[] {1},
                    new float[] {E4M3_MAX * FP4_MAX / amax}, DType.F32);
        }).toList();
    }

    /** Experts of one block share the act_max of the same projection: "...experts.N.up_proj" -> "...experts.*.up_proj". */
    private static String sharedKey(String name) {
        return name.replaceAll("\\.experts\\.\\d+\\.", ".experts.*.");
    }
}
