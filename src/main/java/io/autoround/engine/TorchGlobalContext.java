package io.autoround.engine;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The determinism switches of libtorch's process-wide {@code at::Context} (what Python's
 * {@code torch.use_deterministic_algorithms} and {@code torch.backends.cudnn.deterministic/benchmark} set), reached
 * through the Foreign Function API because DJL 0.36's JNI exposes only {@code setBenchmarkCuDNN}. The symbols are
 * resolved in the libtorch that DJL already loaded, so the flags are the ones DJL's operators consult. Needs
 * {@code --enable-native-access=ALL-UNNAMED} (set by the launchers and the build).
 */
public final class TorchGlobalContext {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor GETTER = FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, ValueLayout.ADDRESS);
    private static final FunctionDescriptor SETTER = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_BOOLEAN);

    private final MemorySegment context;
    private final MethodHandle deterministicAlgorithms;
    private final MethodHandle deterministicAlgorithmsWarnOnly;
    private final MethodHandle setDeterministicAlgorithms;
    private final MethodHandle deterministicCuDnn;
    private final MethodHandle setDeterministicCuDnn;
    private final MethodHandle benchmarkCuDnn;
    private final MethodHandle setBenchmarkCuDnn;
    private final Optional<MklReproducibility> mkl;

    private TorchGlobalContext(SymbolLookup torch) throws Throwable {
        // Itanium C++ ABI: at::globalContext() returns Context&, member functions take 'this' first
        context = (MemorySegment) LINKER.downcallHandle(find(torch, "_ZN2at13globalContextEv"),
                FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
        deterministicAlgorithms = handle(torch, "_ZNK2at7Context23deterministicAlgorithmsEv", GETTER);
        deterministicAlgorithmsWarnOnly = handle(torch, "_ZNK2at7Context31deterministicAlgorithmsWarnOnlyEv", GETTER);
        setDeterministicAlgorithms = handle(torch, "_ZN2at7Context26setDeterministicAlgorithmsEbb", FunctionDescriptor.ofVoid(
                ValueLayout.ADDRESS, ValueLayout.JAVA_BOOLEAN, ValueLayout.JAVA_BOOLEAN));
        deterministicCuDnn = handle(torch, "_ZNK2at7Context18deterministicCuDNNEv", GETTER);
        setDeterministicCuDnn = handle(torch, "_ZN2at7Context21setDeterministicCuDNNEb", SETTER);
        benchmarkCuDnn = handle(torch, "_ZNK2at7Context14benchmarkCuDNNEv", GETTER);
        setBenchmarkCuDnn = handle(torch, "_ZN2at7Context17setBenchmarkCuDNNEb", SETTER);
        mkl = MklReproducibility.of(torch);
    }

    private static TorchGlobalContext instance;

    /** The context of the PyTorch engine DJL loaded (loading it if needed). */
    public static synchronized TorchGlobalContext open() {
        if (instance != null) {
            return instance;
        }
        Engine.getEngine("PyTorch"); // libtorch must be loaded before its symbols can be looked up
        try {
            instance = new TorchGlobalContext(torchLibrary());
            return instance;
        } catch (UnsupportedOperationException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot bind libtorch's at::Context: " + t, t);
        }
    }

    /** {@code torch.are_deterministic_algorithms_enabled()}. */
    public boolean deterministicAlgorithms() {
        return get(deterministicAlgorithms);
    }

    /** {@code torch.is_deterministic_algorithms_warn_only_enabled()}. */
    public boolean deterministicAlgorithmsWarnOnly() {
        return get(deterministicAlgorithmsWarnOnly);
    }

    /** {@code torch.use_deterministic_algorithms(enabled, warn_only=warnOnly)}. */
    public void setDeterministicAlgorithms(boolean enabled, boolean warnOnly) {
        try {
            setDeterministicAlgorithms.invokeExact(context, enabled, warnOnly);
        } catch (Throwable t) {
            throw new IllegalStateException("at::Context::setDeterministicAlgorithms failed: " + t, t);
        }
    }

    /** {@code torch.backends.cudnn.deterministic}. */
    public boolean deterministicCuDnn() {
        return get(deterministicCuDnn);
    }

    public void setDeterministicCuDnn(boolean on) {
        set(setDeterministicCuDnn, on);
    }

    /** {@code torch.backends.cudnn.benchmark}. */
    public boolean benchmarkCuDnn() {
        return get(benchmarkCuDnn);
    }

    public void setBenchmarkCuDnn(boolean on) {
        set(setBenchmarkCuDnn, on);
    }

    /** The MKL linked into this libtorch (x86 CPU builds), for its reproducibility mode. */
    public Optional<MklReproducibility> mkl() {
        return mkl;
    }

    private boolean get(MethodHandle h) {
        try {
            return (boolean) h.invokeExact(context);
        } catch (Throwable t) {
            throw new IllegalStateException("at::Context getter failed: " + t, t);
        }
    }

    private void set(MethodHandle h, boolean on) {
        try {
            h.invokeExact(context, on);
        } catch (Throwable t) {
            throw new IllegalStateException("at::Context setter failed: " + t, t);
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String symbol, FunctionDescriptor d) {
        return LINKER.downcallHandle(find(lib, symbol), d);
    }

    private static MemorySegment find(SymbolLookup lib, String symbol) {
        return lib.find(symbol).orElseThrow(() -> new UnsupportedOperationException(
                "libtorch has no symbol " + symbol + " (unsupported libtorch version for deterministic mode)"));
    }

    /**
     * The loaded libtorch_cpu: by its soname first (the dynamic loader returns the already-loaded object), else
     * by the path the process has mapped (Linux).
     */
    private static SymbolLookup torchLibrary() {
        String soname = System.mapLibraryName("torch_cpu");
        try {
            return SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException notOnSearchPath) {
            return mappedLibrary(soname).map(p -> SymbolLookup.libraryLookup(p, Arena.global()))
                    .orElseThrow(() -> new UnsupportedOperationException("cannot locate the loaded " + soname));
        }
    }

    private static Optional<Path> mappedLibrary(String fileName) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.endsWith("/" + fileName))
                    .findFirst().map(Path::of);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
