package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.autoround.engine.ScriptedFunctions;
import java.util.Locale;

/**
 * One layer's INT quant-dequant forward, and its written-out backward ({@link IntQdqGradients}), each as a single
 * TorchScript function: the per-group scale (and zero point) from the min/max clipping scales, the full-size
 * elementwise chain, the group sums and the chain rule back to the clipping scales. On CUDA libtorch fuses the
 * elementwise chains into a few generated kernels and runs the rest without a JNI round trip per operation; the DJL
 * op chain it replaces was ~25 small and ~12 full-size kernels per layer and direction plus an autograd pass. The
 * arithmetic is the eager chain's, operation for operation (same order, dtypes and type promotion), so on the CPU,
 * where libtorch runs it unfused, the results are those of {@link IntQuantDequant}; {@code IntQdqGradientsTest} holds
 * the gradients against autograd.
 *
 * <p>Inputs: {@code w} the grouped weight [groups, width] (fp32), {@code v} its rounding offsets, {@code wmin0}/
 * {@code wmax0} [groups, 1], the clipping scales (ones when they are not tuned), {@code g} the gradient of the loss
 * with respect to the fake-quantized weight on the grouped layout; V's and the clipping scales' gradient tensors are
 * accumulated in place.
 *
 * <p>Ties of the scale with the 1e-5 floor get no gradient (autograd splits them); the floor is not an fp16 value and
 * the scale is rounded to fp16 first, so they cannot occur.
 */
final class FusedIntQdq {
    private static final String THRESH = "1e-05"; // a double literal that libtorch casts to the fp32 floor 1e-5f

    private FusedIntQdq() {}

    /** The fake-quantized weight in {@code half} (grouped layout). */
    static NDArray forward(LinearTuningParams p, DataType half) {
        int bits = p.scheme.bits();
        String cls = (p.scheme.sym() ? "IntSymQdqForward" : "IntAsymQdqForward") + bits + "To" + dtype(half);
        String body = header(cls, "w", "v", "wmin0", "wmax0", "minScale", "maxScale") + " -> Tensor:\n"
                + (p.scheme.sym() ? symScale(bits) + symLevel(bits) + "    return torch.to(torch.mul(level, s), "
                        : asymScale(bits) + asymLevel(bits) + "    return torch.to(torch.mul(torch.sub(q, zp), s), ")
                + dtype(half) + ")\n";
        return ScriptedFunctions.call(cls, body, p.grouped, p.v.stopGradient(), p.wmin0, p.wmax0, clip(p, p.minScale),
                clip(p, p.maxScale)).singletonOrThrow();
    }

    /**
     * Adds the gradients to V's (and, when they are tuned, the clipping scales') gradient tensors and returns the sum
     * of the per-group scale (and zero point) gradients: a scalar that is finite exactly when {@code g} was, for the
     * fp16 overflow check.
     */
    static NDArray backward(LinearTuningParams p, NDArray g) {
        int bits = p.scheme.bits();
        boolean clipping = p.minScale != null;
        String cls = (p.scheme.sym() ? "IntSymQdqBackward" : "IntAsymQdqBackward") + bits + (clipping ? "Clip" : "");
        String body = header(cls, "w", "v", "wmin0", "wmax0", "minScale", "maxScale", "g", "vgrad", "minGrad",
                "maxGrad") + " -> Tensor:\n" + (p.scheme.sym() ? symBackward(bits, clipping) : asymBackward(bits, clipping));
        NDArray minGrad = clipping ? p.minScale.getGradient() : p.wmin0; // untouched when the scales are not tuned
        NDArray maxGrad = clipping ? p.maxScale.getGradient() : p.wmax0;
        return ScriptedFunctions.call(cls, body, p.grouped, p.v.stopGradient(), p.wmin0, p.wmax0, clip(p, p.minScale),
                clip(p, p.maxScale), g, p.v.getGradient(), minGrad, maxGrad).singletonOrThrow();
    }

    /** The scale s (and the pre-floor s0) of a symmetric layer, as {@link IntQuantDequant#symScale}. */
    private static String symScale(int bits) {
        float maxq = 1 << (bits - 1);
        return "    a = torch.mul(torch.neg(wmin0), minScale)\n"
                + "    c = torch.mul(wmax0, maxScale)\n"
                + "    larger = torch.lt(c, a)\n"
                + "    maxv = torch.where(larger, a, torch.neg(c))\n"
                + "    s0 = torch.to(torch.to(torch.div(maxv, " + f(maxq) + "), 5), 6)\n" // rounded to fp16
                + "    negative = torch.lt(s0, 0.)\n"
                + "    s = torch.where(negative, torch.clamp_max(s0, -" + THRESH + "), torch.clamp_min(s0, " + THRESH + "))\n";
    }

    private static String symLevel(int bits) {
        float maxq = 1 << (bits - 1);
        return "    u = torch.div(w, s)\n"
                + roundHalfEven("r", "torch.add(u, v)")
                + "    level = torch.clamp(r, " + f(-maxq) + ", " + f(maxq - 1) + ")\n";
    }

    private static String symBackward(int bits, boolean clipping) {
        float maxq = 1 << (bits - 1);
        String s = symScale(bits) + symLevel(bits)
                + "    m = torch.to(torch.eq(level, r), 6)\n"
                + "    contribution = torch.mul(torch.mul(g, s), m)\n"
                + "    ds = torch.sum(torch.mul(g, torch.sub(level, torch.mul(u, m))), [1], True)\n"
                + "    _0 = torch.add_(vgrad, contribution)\n";
        if (clipping) {
            // s = floor(fp16(maxv / maxq)) with maxv = a where c < a, else -c; a = -wmin0 minScale, c = wmax0 maxScale
            s += "    kept = torch.where(negative, torch.lt(s0, -" + THRESH + "), torch.gt(s0, " + THRESH + "))\n"
                    + "    dmaxv = torch.div(torch.mul(ds, torch.to(kept, 6)), " + f(maxq) + ")\n"
                    + "    da = torch.where(larger, dmaxv, 0.)\n"
                    + "    dc = torch.neg(torch.where(larger, 0., dmaxv))\n"
                    + "    _1 = torch.add_(minGrad, torch.mul(da, torch.neg(wmin0)))\n"
                    + "    _2 = torch.add_(maxGrad, torch.mul(dc, wmax0))\n";
        }
        return s + "    return torch.sum(ds)\n";
    }

    /** Scale s (pre-floor s0) and zero point zp of an asymmetric layer, as {@link IntQuantDequant#asymScaleAndZero}. */
    private static String asymScale(int bits) {
        float maxq = (1 << bits) - 1;
        return "    wmin = torch.mul(wmin0, minScale)\n"
                + "    wmax = torch.mul(wmax0, maxScale)\n"
                + "    s0 = torch.to(torch.to(torch.div(torch.sub(wmax, wmin), " + f(maxq) + "), 5), 6)\n"
                + "    s = torch.clamp_min(s0, " + THRESH + ")\n"
                + "    nw = torch.neg(wmin)\n"
                + roundHalfEven("zp", "torch.div(nw, s)");
    }

    private static String asymLevel(int bits) {
        float maxq = (1 << bits) - 1;
        return "    u = torch.div(w, s)\n"
                + roundHalfEven("r", "torch.add(u, v)")
                + "    t = torch.add(r, zp)\n"
                + "    q = torch.clamp(t, 0., " + f(maxq) + ")\n";
    }

    private static String asymBackward(int bits, boolean clipping) {
        float maxq = (1 << bits) - 1;
        String s = asymScale(bits) + asymLevel(bits)
                + "    m = torch.to(torch.eq(q, t), 6)\n"
                + "    gs = torch.mul(g, s)\n"
                + "    contribution = torch.mul(gs, m)\n"
                + "    ds = torch.sum(torch.mul(g, torch.sub(torch.sub(q, zp), torch.mul(u, m))), [1], True)\n"
                + "    dzp = torch.sum(torch.sub(contribution, gs), [1], True)\n"
                + "    _0 = torch.add_(vgrad, contribution)\n";
        if (clipping) {
            // zp = round_ste(nw / s), nw = -wmin; s = floor(fp16((wmax - wmin) / maxq)); wmin/wmax = w*0 * min/maxScale
            s += "    dnw = torch.div(dzp, s)\n"
                    + "    dscale = torch.add(ds, torch.neg(torch.mul(dzp, torch.div(torch.div(nw, s), s))))\n"
                    + "    drange = torch.div(torch.mul(dscale, torch.to(torch.gt(s0, " + THRESH + "), 6)), " + f(maxq) + ")\n"
                    + "    dwmin = torch.sub(torch.neg(drange), dnw)\n"
                    + "    _1 = torch.add_(minGrad, torch.mul(dwmin, wmin0))\n"
                    + "    _2 = torch.add_(maxGrad, torch.mul(drange, wmax0))\n";
        }
        return s + "    return torch.add(torch.sum(ds), torch.sum(dzp))\n";
    }

    /**
     * {@code name = round(expression)} with ties to even, as {@code torch.round}. The CUDA fuser generates C's
     * {@code round} (ties away from zero: 2.5 -> 3), so ties that came out odd are moved one step back towards zero;
     * where the rounding already was to even (the CPU) nothing changes. A -0.5 tie comes out +0.0 on CUDA where
     * torch.round gives -0.0 (the same number). Measured on the H200, this form (logical_and, sign) costs the 8B-shaped
     * block little; an arithmetic-only form (the mask cast to float and multiplied in) made its quant-dequant ~2.5x
     * slower.
     */
    private static String roundHalfEven(String name, String expression) {
        return roundHalfEven(name, expression, "torch.round(%1$s)");
    }

    /**
     * As {@link #roundHalfEven(String, String)} on top of {@code round}, a rounding to nearest with any tie rule given
     * as a format of its argument ({@code %1$s}).
     */
    static String roundHalfEven(String name, String expression, String round) {
        String x = name + "_x";
        String r = name + "_r";
        return "    " + x + " = " + expression + "\n"
                + "    " + r + " = " + String.format(Locale.ROOT, round, x) + "\n"
                + "    " + name + "_tie = torch.eq(torch.abs(torch.sub(" + r + ", " + x + ")), 0.5)\n"
                + "    " + name + "_odd = torch.ne(torch.mul(torch.floor(torch.mul(" + r + ", 0.5)), 2.), " + r + ")\n"
                + "    " + name + " = torch.where(torch.logical_and(" + name + "_tie, " + name + "_odd), torch.sub(" + r
                + ", torch.sign(" + x + ")), " + r + ")\n";
    }

    private static NDArray clip(LinearTuningParams p, NDArray scale) {
        // multiplying by one is exact, so untuned layers share the tuned layers' function
        return scale == null ? p.wmin0.onesLike() : scale.stopGradient();
    }

    private static String header(String cls, String... params) {
        StringBuilder b = new StringBuilder("  def forward(self: __torch__.").append(cls);
        for (String param : params) {
            b.append(",\n    ").append(param).append(": Tensor");
        }
        return b.append(")").toString();
    }

    private static int dtype(DataType half) {
        return switch (half) {
            case FLOAT16 -> 5; // libtorch's ScalarType codes
            case FLOAT32 -> 6;
            default -> throw new IllegalArgumentException("the fused quant-dequant writes fp16 or fp32, not " + half);
        };
    }

    private static String f(float x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }
}
