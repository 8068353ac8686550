package io.autoround.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.OptionalLong;

/**
 * GPU memory in use on the calling thread's current CUDA device, from the driver ({@code cuMemGetInfo}: total minus
 * free, so it counts libtorch's cached blocks and every context, like nvidia-smi). For diagnostics only: DJL does not
 * expose libtorch's allocator statistics. Empty where there is no NVIDIA driver or no current context.
 */
public final class DeviceMemory {
    private static final MethodHandle MEM_GET_INFO = lookup("cuMemGetInfo_v2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle CTX_GET_CURRENT = lookup("cuCtxGetCurrent",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle CTX_SET_CURRENT = lookup("cuCtxSetCurrent",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private DeviceMemory() {}

    /** Bytes in use on the current device, or empty when that cannot be asked. */
    public static OptionalLong usedBytes() {
        if (MEM_GET_INFO == null) {
            return OptionalLong.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            int status = (int) MEM_GET_INFO.invokeExact(free, total);
            if (status != 0) {
                return OptionalLong.empty(); // e.g. no context current on this thread
            }
            return OptionalLong.of(total.get(ValueLayout.JAVA_LONG, 0) - free.get(ValueLayout.JAVA_LONG, 0));
        } catch (Throwable t) {
            return OptionalLong.empty();
        }
    }

    /** The CUDA context current on the calling thread (0 when none or no driver), to share with another thread. */
    public static long currentContext() {
        if (CTX_GET_CURRENT == null) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(ValueLayout.ADDRESS);
            int status = (int) CTX_GET_CURRENT.invokeExact(ctx);
            return status == 0 ? ctx.get(ValueLayout.ADDRESS, 0).address() : 0;
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Makes {@code context} (from {@link #currentContext}) current on the calling thread; false when it cannot. */
    public static boolean useContext(long context) {
        if (CTX_SET_CURRENT == null || context == 0) {
            return false;
        }
        try {
            return (int) CTX_SET_CURRENT.invokeExact(MemorySegment.ofAddress(context)) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    private static MethodHandle lookup(String symbol, FunctionDescriptor descriptor) {
        try {
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return Linker.nativeLinker().downcallHandle(cuda.find(symbol).orElseThrow(), descriptor);
        } catch (RuntimeException | LinkageError e) {
            return null; // no driver here (CPU machines)
        }
    }
}
