package io.autoround.python;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;

/** One GraalPy context for all Python tests of the JVM (a context costs 5-10 s to warm up). */
final class SharedPython {
    private static Context context;
    /** Seconds the first context took to build and import auto_round (recorded for the benchmark notes). */
    static double startupSeconds;

    private SharedPython() {}

    static synchronized Context context() {
        if (context == null) {
            long t0 = System.nanoTime();
            context = PythonContexts.create(null, new ByteArrayInputStream(new byte[0]), System.out, System.err, "tests");
            context.eval("python", "import auto_round");
            startupSeconds = (System.nanoTime() - t0) / 1e9;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> context.close(true)));
        }
        return context;
    }

    static Path pythonDir() {
        return PythonContexts.pythonDir();
    }
}
