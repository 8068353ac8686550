package io.autoround.python;

import java.lang.management.ManagementFactory;

/**
 * Start-up phase times of {@code bin/auto-round-python} on stderr, when {@code AR_PYTHON_TRACE=1}: seconds since the
 * launcher started ({@code AR_LAUNCH_T0}, epoch nanoseconds set by the script) or, without it, since the JVM started.
 * Used to measure what dominates the time to the first line of a user's script (docs/benchmarks.md).
 */
public final class StartupTrace {
    private static final boolean ON = "1".equals(System.getenv("AR_PYTHON_TRACE"));
    private static final long T0_NANOS = origin();

    private StartupTrace() {}

    public static boolean enabled() {
        return ON;
    }

    /** Prints the time of {@code phase} when tracing is on. */
    public static void mark(String phase) {
        if (ON) {
            long now = System.currentTimeMillis() * 1_000_000L;
            System.err.printf("auto-round-python trace: %-28s %6.2f s%n", phase, (now - T0_NANOS) / 1e9);
        }
    }

    private static long origin() {
        String t0 = System.getenv("AR_LAUNCH_T0");
        if (t0 != null && t0.matches("\\d{10,}")) {
            return Long.parseLong(t0);
        }
        return ManagementFactory.getRuntimeMXBean().getStartTime() * 1_000_000L;
    }
}
