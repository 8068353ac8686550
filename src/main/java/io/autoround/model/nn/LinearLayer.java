package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import io.autoround.model.arch.LinearSpec;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Linear layer ({@code y = x W^T + b}, W is [out, in]) whose weight can be replaced for the quantizer: a fixed
 * override (e.g. the fake-quantized weight) or a supplier evaluated on every forward (e.g. a quant-dequant of the
 * weight with learnable rounding, so autograd reaches the tuned parameters). The original weight is never changed.
 */
public final class LinearLayer {
    private final LinearSpec spec;
    private final NDArray weight;
    private final NDArray bias;
    private NDArray override;
    private Supplier<NDArray> overrideFunction;

    public LinearLayer(LinearSpec spec, NDArray weight, NDArray bias) {
        this.spec = Objects.requireNonNull(spec);
        this.weight = Objects.requireNonNull(weight);
        this.bias = bias;
        this.weightCast = new CastCache(weight);
        this.biasCast = new CastCache(bias);
    }

    /** Loads the weight (and bias when the spec has one) from a checkpoint. */
    public static LinearLayer load(LinearSpec spec, CheckpointWeights weights) {
        NDArray w = weights.load(spec.weightName(), spec.outFeatures(), spec.inFeatures());
        NDArray b = spec.hasBias() ? weights.load(spec.biasName(), spec.outFeatures()) : null;
        return new LinearLayer(spec, w, b);
    }

    public LinearSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** The original fp32 weight [out, in] as loaded. */
    public NDArray originalWeight() {
        return weight;
    }

    /** The bias [out], or null. */
    public NDArray bias() {
        return bias;
    }

    /** The original weight as a row-major float array. */
    public float[] weightAsFloats() {
        return weight.toFloatArray();
    }

    /** Uses {@code w} (same shape, owned by the caller) instead of the original weight until cleared. */
    public void setWeightOverride(NDArray w) {
        checkShape(w);
        this.override = w;
        this.overrideFunction = null;
    }

    /** Computes the weight on every forward (for autograd through a quant-dequant of the weight). */
    public void setWeightFunction(Supplier<NDArray> function) {
        this.overrideFunction = Objects.requireNonNull(function);
        this.override = null;
    }

    /** Back to the original weight. */
    public void clearOverride() {
        this.override = null;
        this.overrideFunction = null;
    }

    public boolean hasOverride() {
        return override != null || overrideFunction != null;
    }

    /** The weight the next forward uses. */
    public NDArray effectiveWeight() {
        if (overrideFunction != null) {
            NDArray w = overrideFunction.get();
            checkShape(w);
            return w;
        }
        return override != null ? override : weight;
    }

    /** x [..., in] -> [..., out]; the result lives on x's manager. */
    public NDArray forward(NDArray x) {
        for (java.util.function.Consumer<NDArray> o : inputObservers) {
            o.accept(x);
        }
        if (inputTransform != null) {
            x = inputTransform.apply(x);
        }
        if (forwardOverride != null) {
            NDArray y = forwardOverride.apply(x);
            return bias == null ? y : y.add(bias);
        }
        // autocast: the weight follows the activations' dtype (a cached copy of the original, a differentiable cast
        // of a replacement), so fp16 activations run an fp16 matmul while tuned parameters stay fp32
        ai.djl.ndarray.types.DataType t = x.getDataType();
        NDArray w = effectiveWeight();
        if (w == weight) {
            w = weightCast.as(t);
        } else if (w.getDataType() != t) {
            w = w.toType(t, false);
        }
        return Linear.linear(x, w, biasCast.as(t)).singletonOrThrow();
    }

    /** Frees the copies of the weight and bias made for another compute dtype. */
    public void releaseCastCopies() {
        weightCast.release();
        biasCast.release();
    }

    /**
     * Delegates {@code x W^T} to another module (e.g. an inference backend's quantized linear computing from packed
     * codes); the layer still adds its bias. The module must return [..., out] on x's manager. Null restores the
     * weight-based forward.
     */
    public void setForwardOverride(Function<NDArray, NDArray> module) {
        this.forwardOverride = module;
    }

    /** True when a module computes this layer's forward. */
    public boolean hasForwardOverride() {
        return forwardOverride != null;
    }

    /**
     * Sees every input of this layer (e.g. to accumulate the importance matrix of optimized RTN, or the activation
     * maximum of static scales). The observer must not keep the array: it is freed with the forward's intermediates.
     */
    public void addInputObserver(java.util.function.Consumer<NDArray> observer) {
        inputObservers.add(observer);
    }

    /**
     * Replaces the input by {@code transform(x)} before the product (after the observers), e.g. the activation
     * quant-dequant of a W4A4 scheme during tuning; null removes it.
     */
    public void setInputTransform(java.util.function.UnaryOperator<NDArray> transform) {
        this.inputTransform = transform;
    }

    /** Removes every input observer. */
    public void clearInputObservers() {
        inputObservers.clear();
    }

    private void checkShape(NDArray w) {
        if (!w.getShape().equals(weight.getShape())) {
            throw new IllegalArgumentException(spec.name() + ": replacement weight has shape " + w.getShape()
                    + ", expected " + weight.getShape());
        }
    }

    private final CastCache weightCast;
    private final CastCache biasCast;
    private final java.util.List<java.util.function.Consumer<NDArray>> inputObservers = new java.util.ArrayList<>();
    private Function<NDArray, NDArray> forwardOverride;
    private java.util.function.UnaryOperator<NDArray> inputTransform;

    @Override
    public String toString() {
        return spec.name() + "[" + spec.outFeatures() + "x" + spec.inFeatures() + (bias != null ? ", bias" : "") + "]";
    }
}
