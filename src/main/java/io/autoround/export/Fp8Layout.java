package io.autoround.export;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.quant.format.HalfFloats;
import java.nio.file.Path;
import java.util.List;

/**
 * FP8 E4M3 tensors (FPW8A16, FP8_STATIC, FP8_BLOCK; reference-spec 3.6 tail, {@code export_to_autoround/
 * export_to_fp8.py}, {@code export_to_llmcompressor/export_to_static_fp.py} and compressed-tensors
 * {@code float-quantized}): {@code L.weight} F8_E4M3 [N, K] holding the E4M3 codes, and {@code L.weight_scale} in the
 * model dtype, one value per tensor (group_size 0), per output channel (group_size -1) or per 2-D block (FP8_BLOCK's
 * (128, 128), ceil-divided). Value = e4m3(code) * scale. FP8_STATIC layers also carry the calibrated static
 * {@code L.input_scale} [1] (added by the quantizer as a raw tensor); FP8_BLOCK's activations are dynamic (nothing
 * stored). Shapes: the auto_round format flattens every scale ({@code scale.view(-1)}); compressed-tensors keeps
 * per-channel scales as [N, 1] and block scales as [N/128, K/128].
 *
 * @param name format name used in error messages
 * @param scaleDtype dtype the scales are written in (BF16 for bf16 models, else F32); every scale must be exact in it
 * @param columnScales compressed-tensors shapes (per-channel [N, 1], blocks [N/bm, K/bn]) instead of auto_round's
 *     flat view(-1)
 */
public record Fp8Layout(String name, DType scaleDtype, boolean columnScales) implements PackedLayout {

    public Fp8Layout {
        if (scaleDtype != DType.BF16 && scaleDtype != DType.F32) {
            throw new IllegalArgumentException("FP8 scales are written as BF16 or F32, not " + scaleDtype);
        }
    }

    /** The layout for a source model: scales in bf16 for a bf16 model, fp32 otherwise. */
    static Fp8Layout forModel(String name, Path sourceModelDir, boolean columnScales) {
        return new Fp8Layout(name, scaleDtypeOf(sourceModelDir), columnScales);
    }

    /** A layout for reading only (the scale dtype is taken from the file). */
    static Fp8Layout reader(String name) {
        return new Fp8Layout(name, DType.F32, false);
    }

    /**
     * The scale dtype for a model: its own dtype when that is bf16 (as the reference stores it), else fp32 (an fp16
     * checkpoint gets fp32 scales so they keep the exact value the quantizer used, see {@code Fp8Quantizer}).
     */
    static DType scaleDtypeOf(Path sourceModelDir) {
        var config = ModelSideFiles.readConfig(sourceModelDir);
        String dtype = config.path("dtype").asText(config.path("torch_dtype").asText("float32"));
        return "bfloat16".equals(dtype) ? DType.BF16 : DType.F32;
    }

    /** True for the schemes this layout stores: 8-bit "fp" weights with unquantized activations. */
    static boolean isWeightOnlyFp8(QuantScheme s) {
        return "fp".equals(s.dataType()) && s.bits() == 8 && s.actBits() >= 16;
    }

    /** True for FP8 weights with a calibrated static per-tensor activation scale (FP8_STATIC). */
    static boolean isStaticActFp8(QuantScheme s) {
        return ActivationQuant.of(s) == ActivationQuant.FP8_STATIC;
    }

    @Override
    public void check(String layer, QuantScheme s, int rows, int cols) {
        if (!"fp".equals(s.dataType())) {
            throw SchemeChecks.unsupported(name, layer, "data_type '" + s.dataType() + "' is not fp (FP8 E4M3)");
        }
        SchemeChecks.requireBits(name, layer, s, 8);
        ActivationQuant acts = ActivationQuant.of(s);
        if (acts != ActivationQuant.NONE && acts != ActivationQuant.FP8_STATIC && acts != ActivationQuant.FP8_DYNAMIC) {
            throw SchemeChecks.unsupported(name, layer, "FP8 weights with " + s.actBits() + "-bit " + s.actDataType()
                    + (s.actDynamic() ? " dynamic" : " static") + " activations (act_group_size " + s.actGroupSize()
                    + ") are not supported; FP8 activations are static per tensor (FP8_STATIC) or dynamic (FP8_BLOCK)");
        }
        if (!s.blocks2d() && s.groupSize() != 0 && s.groupSize() != -1) {
            throw SchemeChecks.unsupported(name, layer, "FP8 weights need group_size 0 (per tensor), -1 (per"
                    + " channel) or 2-D blocks, got " + s.groupSize());
        }
    }

    private static int scaleCount(QuantScheme s, int rows, int cols) {
        if (s.blocks2d()) {
            return s.blockRowsFor(rows) * s.groupsPerRow(cols);
        }
        return s.groupSize() == 0 ? 1 : rows;
    }

    private long[] scaleShape(QuantScheme s, int rows, int cols) {
        int n = scaleCount(s, rows, cols);
        if (n == 1) {
            return new long[] {1};
        }
        if (!columnScales) {
            return new long[] {n};
        }
        return s.blocks2d() ? new long[] {s.blockRowsFor(rows), s.groupsPerRow(cols)} : new long[] {n, 1};
    }

    /** FP8_STATIC's calibrated {@code input_scale}, added by the quantizer beside the weights. */
    @Override
    public List<String> requiredRawSuffixes(QuantScheme scheme) {
        return isStaticActFp8(scheme) ? List.of("input_scale") : List.of();
    }

    @Override
    public List<TensorData> pack(QuantizedWeight w) {
        check(w.name(), w.scheme(), w.rows(), w.cols());
        int expected = scaleCount(w.scheme(), w.rows(), w.cols());
        if (w.scales() == null || w.scales().length != expected) {
            throw new IllegalArgumentException("layer '" + w.name() + "': expected " + expected + " FP8 scales, got "
                    + (w.scales() == null ? "none" : w.scales().length));
        }
        for (float sc : w.scales()) {
            boolean exact = scaleDtype == DType.F32 || HalfFloats.roundToBf16(sc) == sc;
            if (!(sc > 0) || Float.isInfinite(sc) || !exact) {
                throw new IllegalArgumentException("layer '" + w.name() + "': FP8 scale " + sc + " is not a positive"
                        + " finite " + scaleDtype + " value (the quantizer rounds scales to the model precision)");
            }
        }
        for (int i = 0; i < w.codes().length; i++) {
            if ((w.codes()[i] & 0x7F) == 0x7F || (w.codes()[i] & ~0xFF) != 0) {
                throw new IllegalArgumentException("layer '" + w.name() + "': element " + i + " has code "
                        + w.codes()[i] + ", not a finite E4M3 byte");
            }
        }
        long[] scaleShape = scaleShape(w.scheme(), w.rows(), w.cols());
        return List.of(
                TensorData.ofInts(w.name() + ".weight", new long[] {w.rows(), w.cols()}, w.codes(), DType.F8_E4M3),
                TensorData.ofFloats(w.name() + ".weight_scale", scaleShape, w.scales(), scaleDtype));
    }

    @Override
    public QuantizedWeight unpack(TensorSource src, String layer, QuantScheme s) {
        LayerTensors t = new LayerTensors(src, layer, name);
        check(layer, s, 0, 0);
        TensorInfo weight = t.info("weight", 2, DType.F8_E4M3);
        int n = Math.toIntExact(weight.shape()[0]);
        int k = Math.toIntExact(weight.shape()[1]);
        // block-FP8 checkpoints in the DeepSeek / HF fine-grained style name the same multiplier weight_scale_inv
        String scaleName = s.blocks2d() && src.find(layer + ".weight_scale").isEmpty()
                && src.find(layer + ".weight_scale_inv").isPresent() ? "weight_scale_inv" : "weight_scale";
        TensorInfo scale = t.infoAnyRank(scaleName, DType.BF16, DType.F16, DType.F32);
        int expected = scaleCount(s, n, k);
        if (scale.numel() != expected) {
            throw t.fail("tensor '" + scale.name() + "' has " + scale.numel() + " values, expected " + expected
                    + (s.blocks2d() ? " (one per " + s.blockRows() + "x" + s.groupSize() + " block)"
                    : s.groupSize() == 0 ? " (per-tensor scale)" : " (one per output channel)"));
        }
        return new QuantizedWeight(layer, n, k, s, t.ints("weight"), t.floats(scaleName), null, Float.NaN);
    }

    @Override
    public String markerSuffix() {
        return ".weight_scale";
    }

    /** The reference's FP8QLinear keeps the bias as a parameter in the model dtype. */
    @Override
    public boolean biasAsFp16() {
        return false;
    }
}
