package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.autoround.engine.ScriptedFunctions;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The reference's SignSGD (reference-spec 1.8, dampening 0, no Nesterov, no weight decay): with momentum mu a
 * buffer per tensor follows buf = g on its first step and buf = mu*buf + g afterwards, and p -= lr * sign(buf);
 * with mu = 0 there is no buffer and p -= lr * sign(g).
 */
final class SignSgd implements BlockOptimizer {
    // on CUDA without momentum a step is one scripted call (a fused kernel for lr * sign(g)) instead of four DJL ops
    private static final String STEP = """
              def forward(self: __torch__.SignSgdStep,
                p: Tensor,
                g: Tensor,
                lr: float) -> NoneType:
                _0 = torch.sub_(p, torch.mul(torch.sign(g), lr))
                _1 = torch.zero_(g)
                return None
            """;
    private static final String CLAMPED_STEP = """
              def forward(self: __torch__.SignSgdClampedStep,
                p: Tensor,
                g: Tensor,
                lr: float,
                lo: float,
                hi: float) -> NoneType:
                _0 = torch.sub_(p, torch.mul(torch.sign(g), lr))
                _1 = torch.clamp_(p, lo, hi)
                _2 = torch.zero_(g)
                return None
            """;
    private final double momentum;
    private final boolean scriptedOnCpu;
    private final NDManager state;
    private final Map<NDArray, NDArray> buffers = new IdentityHashMap<>();

    SignSgd(NDManager manager, double momentum) {
        this(manager, momentum, false);
    }

    /** @param scriptedOnCpu use the scripted step on the CPU too (for the test that holds it against the DJL ops) */
    SignSgd(NDManager manager, double momentum, boolean scriptedOnCpu) {
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("SignSGD momentum must be a finite value >= 0, got " + momentum);
        }
        this.momentum = momentum;
        this.scriptedOnCpu = scriptedOnCpu;
        this.state = manager.newSubManager();
    }

    @Override
    public float lossScale() {
        return 1000f;
    }

    @Override
    public void stepClamped(NDArray p, double lr, float lo, float hi) {
        if (!fusedOn(p)) {
            BlockOptimizer.super.stepClamped(p, lr, lo, hi);
            return;
        }
        try (NDArray g = p.getGradient()) {
            ScriptedFunctions.update("SignSgdClampedStep", CLAMPED_STEP, new NDArray[] {p, g}, lr, lo, hi);
        }
    }

    @Override
    public boolean ignoresGradientScale() {
        return momentum == 0;
    }

    @Override
    public void step(NDArray p, double lr) {
        if (fusedOn(p)) {
            try (NDArray g = p.getGradient()) {
                ScriptedFunctions.update("SignSgdStep", STEP, new NDArray[] {p, g}, lr);
            }
            return;
        }
        try (NDArray g = p.getGradient()) {
            NDArray direction = momentum == 0 ? g : updatedBuffer(p, g);
            try (NDArray delta = direction.sign().muli((float) lr)) {
                p.subi(delta);
            }
            BlockOptimizer.zeroGradient(g);
        }
    }

    /**
     * The scripted step pays on CUDA, where it is one fused kernel; on the CPU a TorchScript call costs more than the
     * four small DJL ops it replaces, so the CPU keeps them.
     */
    private boolean fusedOn(NDArray p) {
        return momentum == 0 && (scriptedOnCpu || p.getDevice().isGpu());
    }

    private NDArray updatedBuffer(NDArray p, NDArray g) {
        NDArray buf = buffers.get(p);
        if (buf == null) {
            buf = g.duplicate();
            buf.attach(state);
            buffers.put(p, buf);
        } else {
            buf.muli((float) momentum).addi(g);
        }
        return buf;
    }

    @Override
    public void close() {
        buffers.clear();
        state.close();
    }
}
