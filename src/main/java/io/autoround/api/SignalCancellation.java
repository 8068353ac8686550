package io.autoround.api;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM for the front doors that own their process (the command line, the Python runner). The JVM's default reaction is to exit at once, running its
 * shutdown while the main thread may be inside libtorch (a backward pass, a matmul): that crashes in native code and
 * leaves an {@code hs_err_pid*.log}. Instead the first signal only asks the running work to stop at its next safe
 * point (between tuning iterations, blocks, evaluation windows); the work unwinds, removes its temporary output, and
 * the command exits 130 (SIGINT) or 143 (SIGTERM) with one line. A second signal exits at once through {@code _exit}
 * (no JVM shutdown, so no crash either; a temporary folder is then left for the next run to clean up).
 */
public final class SignalCancellation {
    private static final AtomicReference<String> RECEIVED = new AtomicReference<>();

    private SignalCancellation() {}

    /**
     * Takes over SIGINT and SIGTERM for this process. Only a process's own entry point calls this (never a library
     * user or an in-process test); until then {@link #requested()} stays false.
     */
    public static void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), SignalCancellation::onSignal);
            } catch (IllegalArgumentException e) {
                // the signal is reserved here (e.g. the JVM runs with -Xrs): keep the default behaviour
            }
        }
    }

    private static void onSignal(Signal s) {
        if (!RECEIVED.compareAndSet(null, s.getName())) {
            System.err.println("auto-round: second signal (SIG" + s.getName() + "): exiting now");
            System.err.flush();
            immediateExit(exitCode(s.getName()));
            return;
        }
        System.err.println("auto-round: SIG" + s.getName() + " received: stopping at the next safe point "
                + "(send it again to exit at once)");
        System.err.flush();
    }

    /** True once a signal asked the work to stop. */
    public static boolean requested() {
        return RECEIVED.get() != null;
    }

    /** Throws {@link CancellationException} when a signal asked the work to stop (for loops without a listener). */
    public static void checkpoint() {
        if (requested()) {
            throw new CancellationException("interrupted by SIG" + RECEIVED.get());
        }
    }

    /** 128 + the signal number, as shells report a process ended by that signal: 130 for SIGINT, 143 for SIGTERM. */
    public static int exitCode() {
        return exitCode(RECEIVED.get());
    }

    /** The name of the signal that asked to stop ("INT", "TERM"), or null. */
    public static String signal() {
        return RECEIVED.get();
    }

    /** Forgets a handled signal (an interactive Python prompt goes on after its KeyboardInterrupt). */
    public static void clear() {
        RECEIVED.set(null);
    }

    private static int exitCode(String signal) {
        return "TERM".equals(signal) ? 143 : 130;
    }

    /** The one line a stopped command ends with. */
    public static String message(boolean outputWritten) {
        return "interrupted by SIG" + RECEIVED.get() + "; " + (outputWritten
                ? "the output was already complete and is kept"
                : "nothing written (temporary output removed, existing outputs untouched)");
    }

    /** libc {@code _exit}: ends the process without the JVM's shutdown sequence. */
    private static void immediateExit(int code) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle exit = linker.downcallHandle(linker.defaultLookup().find("_exit").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            exit.invokeExact(code);
        } catch (Throwable t) {
            Runtime.getRuntime().halt(code);
        }
    }
}
