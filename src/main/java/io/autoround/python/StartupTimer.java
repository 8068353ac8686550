package io.autoround.python;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;

/**
 * Measures the Python facade's startup: building a context, the first {@code import auto_round} and a no-op
 * {@code AutoRound(demo model)} construction (which resolves and validates the run in Java). The first round is
 * the cold JVM; later rounds are fresh contexts on the same engine in the now warm JVM.
 * Usage: {@code StartupTimer [rounds]}; prints a Markdown table row per round.
 */
public final class StartupTimer {
    private StartupTimer() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.out.printf("JVM start to main: %.2f s%n", (System.currentTimeMillis() - jvmStartMillis) / 1e3);
        System.out.println("| round | context build (s) | first eval (s) | import auto_round (s) | AutoRound(demo) construction (s) | total (s) |");
        System.out.println("|---|---|---|---|---|---|");
        try (Engine engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build()) {
            for (int r = 1; r <= rounds; r++) {
                long t0 = System.nanoTime();
                try (Context ctx = PythonContexts.create(engine, new ByteArrayInputStream(new byte[0]), quiet, quiet, "")) {
                    long t1 = System.nanoTime();
                    ctx.eval("python", "1");
                    long t1b = System.nanoTime();
                    ctx.eval("python", "import auto_round");
                    long t2 = System.nanoTime();
                    ctx.eval("python", "auto_round.AutoRound(auto_round.demo_model(), iters=0)");
                    long t3 = System.nanoTime();
                    System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", r == 1 ? "1 (cold JVM)" : r + " (warm JVM)",
                            (t1 - t0) / 1e9, (t1b - t1) / 1e9, (t2 - t1b) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9);
                }
            }
            System.out.println("truffle runtime: " + engine.getImplementationName());
        }
    }
}
