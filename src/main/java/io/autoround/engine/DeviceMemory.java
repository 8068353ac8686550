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
    private static final MethodHandle MEM_GET_INFO = lookup();

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

    private static MethodHandle lookup() {
        try {
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return Linker.nativeLinker().downcallHandle(cuda.find("cuMemGetInfo_v2").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        } catch (RuntimeException | LinkageError e) {
            return null; // no driver here (CPU machines)
        }
    }
}
