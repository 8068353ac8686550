package io.autoround.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Intel oneMKL's Conditional Numerical Reproducibility (the {@code MKL_CBWR} setting) of the MKL that libtorch's
 * x86 CPU build links statically: by default MKL may pick code paths by memory alignment, so the same float
 * product can round differently run to run; {@code AUTO} fixes the path for the processor. MKL accepts a change
 * only before its first computation, so the launcher also exports {@code MKL_CBWR=AUTO}.
 */
public final class MklReproducibility {
    /** {@code MKL_CBWR_BRANCH}: the selector of the code-branch setting. */
    private static final int BRANCH = 1;
    /** {@code MKL_CBWR_AUTO}. */
    public static final int AUTO = 2;
    /** {@code MKL_CBWR_SUCCESS}. */
    private static final int SUCCESS = 0;

    private final MethodHandle get;
    private final MethodHandle set;

    private MklReproducibility(MethodHandle get, MethodHandle set) {
        this.get = get;
        this.set = set;
    }

    /** The MKL inside the loaded libtorch, or empty when this libtorch has none (non-x86 builds). */
    static Optional<MklReproducibility> of(SymbolLookup torch) {
        // mkl_cbwr_get/set are exported under MKL's internal service names in libtorch_cpu
        Optional<MemorySegment> g = torch.find("mkl_serv_cbwr_get");
        Optional<MemorySegment> s = torch.find("mkl_serv_cbwr_set");
        if (g.isEmpty() || s.isEmpty()) {
            return Optional.empty();
        }
        FunctionDescriptor intToInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        var linker = java.lang.foreign.Linker.nativeLinker();
        return Optional.of(new MklReproducibility(linker.downcallHandle(g.get(), intToInt), linker.downcallHandle(s.get(), intToInt)));
    }

    /** The current branch setting ({@code MKL_CBWR_BRANCH_OFF} 1, {@code AUTO} 2, {@code COMPATIBLE} 3, ISA-specific above). */
    public int branch() {
        return call(get, BRANCH);
    }

    /** Asks for {@code AUTO} unless a fixed branch is already set; returns whether a fixed branch is in effect. */
    public boolean fixBranch() {
        if (branch() >= AUTO) {
            return true;
        }
        return call(set, AUTO) == SUCCESS && branch() >= AUTO;
    }

    private static int call(MethodHandle h, int arg) {
        try {
            return (int) h.invokeExact(arg);
        } catch (Throwable t) {
            throw new IllegalStateException("MKL CBWR call failed: " + t, t);
        }
    }
}
