package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.MxFormat;
import io.autoround.quant.NvFp4Quantizer;
import io.autoround.quant.QuantScheme;
import java.util.function.UnaryOperator;

/**
 * The learnable state of one Linear during SignRound (reference-spec 1.6): rounding offset V on the grouped weight
 * view, and per-group min/max clipping scales (MX/NV/FP8 use only max_scale), plus the constants derived once from
 * the original weight (and, for NVFP4, the layer's global scale); for schemes that quantize activations also the
 * input quant-dequant (static NVFP4 global scale, optional tunable MX act_max_scale).
 */
final class LinearTuningParams implements AutoCloseable {
    final String name;
    final QuantScheme scheme;
    final int rows;
    final int cols;
    final int groupWidth;
    final int paddedCols;
    final NDArray grouped;   // [groups, groupWidth] original weight, zero-padded
    final NDArray wmin0;     // [groups, 1]
    final NDArray wmax0;     // [groups, 1]
    final NDArray v;         // [groups, groupWidth], learnable
    final NDArray minScale;  // [groups, 1], learnable (null when min/max tuning is off or the type has no min side)
    final NDArray maxScale;  // [groups, 1], learnable (null when min/max tuning is off)
    final float thresh;
    final TunableDataType type;
    final float nvGlobalScale; // NVFP4 only, else NaN
    final ActivationQuant actQuant;
    final float actGlobalScale; // static NVFP4 activations: 2688 / act_max, else NaN
    final NDArray actMaxScale;  // [1], learnable (dynamic MX activations with AR_ENABLE_ACT_MINMAX_TUNING), else null
    boolean gradientStorageReady; // V has its own gradient tensor (see IntQdqGradients)
    private NDArray unitScale;    // [groups, 1] ones, made once: the clipping scale of a layer whose scales are not tuned

    LinearTuningParams(NDManager manager, String name, QuantScheme scheme, NDArray weight, boolean minmaxTuning) {
        this(manager, name, scheme, weight, minmaxTuning, Float.NaN);
    }

    /**
     * @param nvGlobalScale the NVFP4 global scale of this layer (the fused minimum for q/k/v and gate/up), or NaN to
     *     use this weight's own; ignored for other data types
     */
    LinearTuningParams(NDManager manager, String name, QuantScheme scheme, NDArray weight, boolean minmaxTuning,
            float nvGlobalScale) {
        this(manager, name, scheme, weight, minmaxTuning, nvGlobalScale, Float.NaN, false);
    }

    /**
     * @param actMax the calibrated max |input| of this layer (static NVFP4 activations), or NaN
     * @param actMinmaxTuning tune a scalar {@code act_max_scale} on the MX activation group max (the reference's
     *     AR_ENABLE_ACT_MINMAX_TUNING); the reference's static NVFP4 activation function ignores it, so it is not
     *     created there
     */
    LinearTuningParams(NDManager manager, String name, QuantScheme scheme, NDArray weight, boolean minmaxTuning,
            float nvGlobalScale, float actMax, boolean actMinmaxTuning) {
        this.actQuant = ActivationQuant.of(scheme);
        this.actGlobalScale = actQuant == ActivationQuant.NV_STATIC && !Float.isNaN(actMax)
                ? ActivationQuant.nvGlobalScale(actMax) : Float.NaN;
        if (actQuant == ActivationQuant.MX_DYNAMIC && actMinmaxTuning) {
            this.actMaxScale = manager.ones(new Shape(1));
            this.actMaxScale.setRequiresGradient(true);
        } else {
            this.actMaxScale = null;
        }
        this.type = TunableDataType.require(name, scheme);
        this.name = name;
        this.scheme = scheme;
        this.rows = Math.toIntExact(weight.getShape().get(0));
        this.cols = Math.toIntExact(weight.getShape().get(1));
        int g = scheme.groupSize();
        if ((type == TunableDataType.MX_FP || type == TunableDataType.NV_FP) && g > 0 && cols % g != 0) {
            throw new IllegalArgumentException(name + ": in_features " + cols + " is not divisible by group_size " + g
                    + "; MX/NVFP4 layers with partial blocks stay unquantised in the reference");
        }
        // the grouped view shares the weight's storage unless padding needs a copy: nothing writes to the weight while
        // it is tuned (the fake-quantized weights are passed to the forward as overrides), and a second copy of every
        // weight of an 8B block would cost the GPU 0.75 GB
        if (g == 0) {
            this.groupWidth = rows * cols;
            this.paddedCols = cols;
            this.grouped = weight.reshape(1, (long) rows * cols);
        } else {
            this.groupWidth = (g < 0 || cols < g) ? cols : g;
            int groups = (cols + groupWidth - 1) / groupWidth;
            this.paddedCols = groups * groupWidth;
            NDArray padded = paddedCols == cols ? weight
                    : weight.concat(manager.zeros(new Shape(rows, paddedCols - cols)), 1);
            this.grouped = padded.reshape((long) rows * groups, groupWidth);
            if (padded != weight) {
                padded.close();
            }
        }
        this.grouped.attach(manager);
        this.wmin0 = grouped.min(new int[] {1}, true).minimum(0f);
        this.wmax0 = grouped.max(new int[] {1}, true).maximum(0f);
        this.v = manager.zeros(grouped.getShape());
        this.v.setRequiresGradient(true);
        if (minmaxTuning) {
            this.minScale = type.tunesMinScale() ? manager.ones(wmin0.getShape()) : null;
            this.maxScale = manager.ones(wmin0.getShape());
            if (minScale != null) {
                this.minScale.setRequiresGradient(true);
            }
            this.maxScale.setRequiresGradient(true);
        } else {
            this.minScale = null;
            this.maxScale = null;
        }
        this.thresh = 1e-5f;
        this.nvGlobalScale = type != TunableDataType.NV_FP ? Float.NaN
                : Float.isNaN(nvGlobalScale) ? NvFp4Quantizer.globalScale(weight.toFloatArray()) : nvGlobalScale;
    }

    /** Fake-quantized weight [rows, cols] with the current parameters (differentiable). */
    NDArray qdqWeight() {
        NDArray q = switch (type) {
            case INT -> intQdq();
            case MX_FP -> MxQuantDequant.qdq(grouped, v, maxScale, MxFormat.of(scheme.dataType(), scheme.bits()),
                    TunableDataType.rceil(scheme));
            case NV_FP -> NvFp4QuantDequant.qdq(grouped, v, maxScale, nvGlobalScale);
            case FP8_E4M3 -> Fp8QuantDequant.qdq(grouped, v, maxScale);
        };
        NDArray full = q.reshape(rows, paddedCols);
        return paddedCols == cols ? full : full.get(new NDIndex(":, :" + cols));
    }

    /**
     * The differentiable activation quant-dequant of this layer's input, or null when the scheme leaves inputs
     * alone. Static NVFP4 needs the calibrated act_max; other activation schemes are refused by name.
     */
    UnaryOperator<NDArray> inputQdq() {
        if (actQuant == ActivationQuant.NONE) {
            return null;
        }
        if (actQuant == ActivationQuant.NV_STATIC && Float.isNaN(actGlobalScale)) {
            throw new IllegalStateException(name + ": static NVFP4 activations need the calibrated act_max of the fp "
                    + "pass, none was given to the tuner");
        }
        return x -> ActivationQuantDequant.qdq(name, x, scheme, actGlobalScale, actMaxScale);
    }

    /** The tuned act_max_scale, or NaN when it is not tuned. */
    float actMaxScaleValue() {
        return actMaxScale == null ? Float.NaN : actMaxScale.getFloat();
    }

    private NDArray intQdq() {
        int bits = scheme.bits();
        if (scheme.sym()) {
            NDArray scale = IntQuantDequant.symScale(wmin0, wmax0, minScale, maxScale, bits, thresh, true);
            return IntQuantDequant.sym(grouped, v, scale, bits);
        }
        return IntQuantDequant.asym(grouped, v, wmin0, wmax0, minScale, maxScale, bits, thresh, true);
    }

    /** Ones shaped like a clipping scale, for the fused functions when the scales are not tuned (made once). */
    NDArray unitScale() {
        if (unitScale == null) {
            unitScale = wmin0.onesLike();
        }
        return unitScale;
    }

    /** V as a [rows, cols] row-major array (padding dropped), for the scalar final quantization. */
    float[] offsetsRowMajor() {
        float[] g = v.toFloatArray();
        if (paddedCols == cols) {
            return g;
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(g, r * paddedCols, out, r * cols, cols);
        }
        return out;
    }

    @Override
    public void close() {
        grouped.close();
        wmin0.close();
        wmax0.close();
        v.close();
        if (minScale != null) {
            minScale.close();
        }
        if (maxScale != null) {
            maxScale.close();
        }
        if (actMaxScale != null) {
            actMaxScale.close();
        }
        if (unitScale != null) {
            unitScale.close();
        }
    }
}
