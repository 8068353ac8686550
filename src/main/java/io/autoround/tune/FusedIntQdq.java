package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.autoround.engine.ScriptedFunctions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One layer's INT quant-dequant forward, and its written-out backward ({@link IntQdqGradients}), as TorchScript
 * functions: a small one for the per-group scale (and zero point) from the min/max clipping scales, one for the
 * full-size elementwise chain (forward) or the full-size chain with the group sums (backward), and a small one for the
 * chain rule back to the clipping scales. On CUDA libtorch fuses the elementwise chains into a few generated kernels
 * and runs the rest without a JNI round trip per operation; the DJL op chain it replaces was ~25 small and ~12
 * full-size kernels per layer and direction plus an autograd pass. The arithmetic is the eager chain's, operation for
 * operation (same order, dtypes and type promotion), so on the CPU, where libtorch runs it unfused, the results are
 * those of {@link IntQuantDequant}; {@code IntQdqGradientsTest} holds the gradients against autograd.
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
    private static final String MAGIC = "12582912."; // 1.5 * 2^23, see roundHalfEven
    private static final Map<String, String> SOURCES = new ConcurrentHashMap<>(); // by class name, built once

    private FusedIntQdq() {}

    /** The fake-quantized weight in {@code half} (grouped layout). */
    static NDArray forward(LinearTuningParams p, DataType half) {
        NDList scale = scale(p);
        try (scale) {
            String cls = (p.scheme.sym() ? "IntSymQdqForward" : "IntAsymQdqForward") + p.scheme.bits() + "To" + dtype(half);
            return ScriptedFunctions.call(cls, SOURCES.computeIfAbsent(cls, c -> forwardSource(c, p.scheme.sym(),
                    p.scheme.bits(), half)), withScale(scale, p.grouped, p.v.stopGradient())).singletonOrThrow();
        }
    }

    /**
     * Adds the gradients to V's (and, when they are tuned, the clipping scales') gradient tensors and returns the sum
     * of the per-group scale (and zero point) gradients: a scalar that is finite exactly when {@code g} was, for the
     * fp16 overflow check.
     */
    static NDArray backward(LinearTuningParams p, NDArray g) {
        int bits = p.scheme.bits();
        boolean sym = p.scheme.sym();
        NDList scale = scale(p);
        String full = (sym ? "IntSymQdqGrad" : "IntAsymQdqGrad") + bits;
        NDList groupGrads;
        try (scale) {
            groupGrads = ScriptedFunctions.call(full, SOURCES.computeIfAbsent(full,
                    c -> fullBackwardSource(c, sym, bits, false)), withScale(scale, p.grouped, p.v.stopGradient(), g,
                    p.v.getGradient()));
        }
        try (groupGrads) {
            return chainToClippingScales(p, groupGrads);
        }
    }

    /** Adds the chain rule's terms to the clipping scales' gradients (when tuned); returns the overflow-check sum. */
    private static NDArray chainToClippingScales(LinearTuningParams p, NDList groupGrads) {
        int bits = p.scheme.bits();
        boolean sym = p.scheme.sym();
        boolean clipping = p.minScale != null;
        String chain = (sym ? "IntSymScaleGrad" : "IntAsymScaleGrad") + bits + (clipping ? "Clip" : "");
        NDArray minGrad = clipping ? p.minScale.getGradient() : p.wmin0; // untouched when the scales are not tuned
        NDArray maxGrad = clipping ? p.maxScale.getGradient() : p.wmax0;
        NDArray[] args = new NDArray[4 + groupGrads.size() + 2];
        args[0] = p.wmin0;
        args[1] = p.wmax0;
        args[2] = clip(p, p.minScale);
        args[3] = clip(p, p.maxScale);
        for (int i = 0; i < groupGrads.size(); i++) {
            args[4 + i] = groupGrads.get(i);
        }
        args[args.length - 2] = minGrad;
        args[args.length - 1] = maxGrad;
        return ScriptedFunctions.call(chain, SOURCES.computeIfAbsent(chain, c -> scaleBackwardSource(c, sym, bits,
                clipping)), args).singletonOrThrow();
    }

    /**
     * The backward of {@link #backward} with SignSGD's step of V folded in ({@code v -= lr * sign(dL/dv)}, the step of a
     * single micro-batch without momentum, where V's gradient is needed only for its sign): V needs no gradient tensor
     * (0.75 GB per 8B-shaped block) and the step no pass of its own. The clipping scales' gradients are accumulated in
     * place as in {@link #backward} (their step follows separately).
     */
    static void backwardWithStep(LinearTuningParams p, NDArray g, double lr) {
        int bits = p.scheme.bits();
        boolean sym = p.scheme.sym();
        NDList scale = scale(p);
        String full = (sym ? "IntSymQdqGradStep" : "IntAsymQdqGradStep") + bits;
        NDList groupGrads;
        try (scale) {
            groupGrads = ScriptedFunctions.updateAndReturn(full, SOURCES.computeIfAbsent(full,
                    c -> fullBackwardSource(c, sym, bits, true)), withScale(scale, p.grouped, p.v.stopGradient(), g), lr);
        }
        try (groupGrads) {
            if (p.minScale != null) {
                chainToClippingScales(p, groupGrads).close();
            }
        }
    }

    /**
     * The per-group scale s (sym) or scale and zero point (asym) from the clipping scales: a small call of its own, so
     * the full-size functions below are elementwise chains with broadcast [groups, 1] operands and one group sum,
     * which libtorch fuses into fewer, faster kernels than one function holding both (measured on the H200).
     */
    private static NDList scale(LinearTuningParams p) {
        boolean sym = p.scheme.sym();
        int bits = p.scheme.bits();
        String cls = (sym ? "IntSymScale" : "IntAsymScaleZero") + bits;
        return ScriptedFunctions.call(cls, SOURCES.computeIfAbsent(cls, c -> header(c, "wmin0", "wmax0", "minScale",
                "maxScale") + (sym ? " -> Tensor:\n" + symScale(bits) + "    return s\n"
                        : " -> Tuple[Tensor, Tensor]:\n" + asymScale(bits) + "    return (s, zp)\n")),
                p.wmin0, p.wmax0, clip(p, p.minScale), clip(p, p.maxScale));
    }

    private static String forwardSource(String cls, boolean sym, int bits, DataType half) {
        return sym ? header(cls, "w", "v", "s") + " -> Tensor:\n" + symLevel(bits)
                + "    return torch.to(torch.mul(level, s), " + dtype(half) + ")\n"
                : header(cls, "w", "v", "s", "zp") + " -> Tensor:\n" + asymLevel(bits)
                        + "    return torch.to(torch.mul(torch.sub(q, zp), s), " + dtype(half) + ")\n";
    }

    /**
     * The per-group gradient of s (and zp), [groups, 1] each, and V's gradient: added in place to {@code vgrad}, or with
     * {@code step} V's SignSGD step {@code v -= lr * sign(dL/dv)} made at once (after every read of V).
     */
    private static String fullBackwardSource(String cls, boolean sym, int bits, boolean step) {
        String update = step ? "    _0 = torch.sub_(v, torch.mul(torch.sign(contribution), lr))\n"
                : "    _0 = torch.add_(vgrad, contribution)\n";
        String tail = step ? "lr: float" : "vgrad";
        if (sym) {
            return header(cls, "w", "v", "s", "g", tail) + " -> Tensor:\n" + symLevel(bits)
                    + "    m = torch.to(torch.eq(level, r), 6)\n"
                    + "    contribution = torch.mul(torch.mul(g, s), m)\n"
                    + "    ds = torch.sum(torch.mul(g, torch.sub(level, torch.mul(u, m))), [1], True)\n"
                    + update
                    + "    return ds\n";
        }
        return header(cls, "w", "v", "s", "zp", "g", tail) + " -> Tuple[Tensor, Tensor]:\n"
                + asymLevel(bits)
                + "    m = torch.to(torch.eq(q, t), 6)\n"
                + "    gs = torch.mul(g, s)\n"
                + "    contribution = torch.mul(gs, m)\n"
                + "    ds = torch.sum(torch.mul(g, torch.sub(torch.sub(q, zp), torch.mul(u, m))), [1], True)\n"
                + "    dzp = torch.sum(torch.sub(contribution, gs), [1], True)\n"
                + update
                + "    return (ds, dzp)\n";
    }

    /**
     * The chain rule from the per-group gradients of s (and zp) back to the clipping scales (added in place when they
     * are tuned); returns the sum of the per-group gradients (the overflow check).
     */
    private static String scaleBackwardSource(String cls, boolean sym, int bits, boolean clipping) {
        if (sym) {
            float maxq = 1 << (bits - 1);
            String s = header(cls, "wmin0", "wmax0", "minScale", "maxScale", "ds", "minGrad", "maxGrad") + " -> Tensor:\n";
            if (clipping) {
                // s = floor(fp16(maxv / maxq)) with maxv = a where c < a, else -c; a = -wmin0 minScale, c = wmax0 maxScale
                s += symScale(bits)
                        + "    kept = torch.where(negative, torch.lt(s0, -" + THRESH + "), torch.gt(s0, " + THRESH + "))\n"
                        + "    dmaxv = torch.div(torch.mul(ds, torch.to(kept, 6)), " + f(maxq) + ")\n"
                        + "    da = torch.where(larger, dmaxv, 0.)\n"
                        + "    dc = torch.neg(torch.where(larger, 0., dmaxv))\n"
                        + "    _1 = torch.add_(minGrad, torch.mul(da, torch.neg(wmin0)))\n"
                        + "    _2 = torch.add_(maxGrad, torch.mul(dc, wmax0))\n";
            }
            return s + "    return torch.sum(ds)\n";
        }
        float maxq = (1 << bits) - 1;
        String s = header(cls, "wmin0", "wmax0", "minScale", "maxScale", "ds", "dzp", "minGrad", "maxGrad")
                + " -> Tensor:\n";
        if (clipping) {
            // zp = round_ste(nw / s), nw = -wmin; s = floor(fp16((wmax - wmin) / maxq)); wmin/wmax = w*0 * min/maxScale
            s += asymScale(bits)
                    + "    dnw = torch.div(dzp, s)\n"
                    + "    dscale = torch.add(ds, torch.neg(torch.mul(dzp, torch.div(torch.div(nw, s), s))))\n"
                    + "    drange = torch.div(torch.mul(dscale, torch.to(torch.gt(s0, " + THRESH + "), 6)), " + f(maxq) + ")\n"
                    + "    dwmin = torch.sub(torch.neg(drange), dnw)\n"
                    + "    _1 = torch.add_(minGrad, torch.mul(dwmin, wmin0))\n"
                    + "    _2 = torch.add_(maxGrad, torch.mul(drange, wmax0))\n";
        }
        return s + "    return torch.add(torch.sum(ds), torch.sum(dzp))\n";
    }

    /** {@code leading}, then the scale (and zero point), then {@code trailing}. */
    private static NDArray[] withScale(NDList scale, NDArray w, NDArray v, NDArray... trailing) {
        NDArray[] out = new NDArray[2 + scale.size() + trailing.length];
        out[0] = w;
        out[1] = v;
        for (int i = 0; i < scale.size(); i++) {
            out[2 + i] = scale.get(i);
        }
        System.arraycopy(trailing, 0, out, 2 + scale.size(), trailing.length);
        return out;
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


    /**
     * {@code name = round(expression)} with ties to even, as {@code torch.round}, written as {@code (x + 1.5 * 2^23) -
     * 1.5 * 2^23}: fp32 addition rounds to nearest even, and in [2^23, 2^24) its unit is 1, so this is exact for
     * |x| < 2^22. Larger |x| lie far outside every clamp range that follows (the level is clamped and the pass-through
     * mask is 0 either way), and a -0.5 comes out +0.0 where torch.round gives -0.0 (the same number). libtorch's
     * CUDA fuser generates C's {@code round} for torch.round (ties away from zero: 2.5 -> 3); this form needs no tie
     * correction, and measured on the H200 it made an 8B-sized layer's fused forward 3x faster (0.19 against 0.59 ms)
     * than torch.round with the correction (probe: 0 mismatches against eager torch.round over 1M values, ties and
     * their neighbours included).
     */
    static String roundHalfEven(String name, String expression) {
        return "    " + name + " = torch.sub(torch.add(" + expression + ", " + MAGIC + "), " + MAGIC + ")\n";
    }

    private static NDArray clip(LinearTuningParams p, NDArray scale) {
        // multiplying by one is exact, so untuned layers share the tuned layers' function
        return scale == null ? p.unitScale() : scale.stopGradient();
    }

    private static String header(String cls, String... params) {
        StringBuilder b = new StringBuilder("  def forward(self: __torch__.").append(cls);
        for (String param : params) {
            b.append(",\n    ").append(param).append(param.contains(":") ? "" : ": Tensor"); // typed, or a tensor
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
