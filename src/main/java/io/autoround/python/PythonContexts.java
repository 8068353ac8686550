package io.autoround.python;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.io.IOAccess;

/**
 * Builds the GraalPy contexts the Python facade runs in, with the least host access that works: host objects
 * are reachable, but Python may only look up this library's classes and the few JDK types it needs, may read and
 * write files (for scripts, models and checkpoints), and gets no native access, processes or environment.
 */
public final class PythonContexts {
    /** System property naming the folder that holds the {@code auto_round} package. */
    public static final String PYTHON_DIR_PROPERTY = "autoround.python.dir";

    private PythonContexts() {}

    /** The folder holding the {@code auto_round} Python package: the system property, else {@code $AUTOROUND_HOME/python}. */
    public static Path pythonDir() {
        String dir = System.getProperty(PYTHON_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            String home = System.getProperty("autoround.home", ".");
            dir = Path.of(home, "python").toString();
        }
        Path p = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("auto_round"))) {
            throw new IllegalStateException("the auto_round Python package is not in " + p
                    + " (set -D" + PYTHON_DIR_PROPERTY + " to the project's python/ folder)");
        }
        return p;
    }

    /**
     * System property naming a writable folder for compiled {@code .pyc} files: set (by the launcher), GraalPy caches
     * the bytecode of the stdlib and auto_round there instead of recompiling every module at each start.
     */
    public static final String PYCACHE_PROPERTY = "autoround.python.pycache";

    /** Host classes Python may look up through {@code java.type}. */
    static boolean lookupAllowed(String className) {
        return className.startsWith("io.autoround.") || className.equals("java.lang.System")
                || className.equals("java.nio.file.Path") || className.equals("java.util.ArrayList")
                || className.equals("java.util.LinkedHashMap");
    }

    /** A context on {@code engine} (null for a private one) with {@code python/} first on sys.path. */
    public static Context create(Engine engine, InputStream in, OutputStream out, OutputStream err, String... argv) {
        Context.Builder b = Context.newBuilder("python")
                .allowHostAccess(HostAccess.ALL)
                .allowHostClassLookup(PythonContexts::lookupAllowed)
                .allowIO(IOAccess.newBuilder().allowHostFileAccess(true).build())
                .option("python.PythonPath", pythonDir().toString())
                .option("python.ForceImportSite", "false")
                .arguments("python", argv.length == 0 ? new String[] {""} : argv)
                .in(in).out(out).err(err);
        String pycache = System.getProperty(PYCACHE_PROPERTY);
        if (pycache != null && !pycache.isBlank()) {
            b.option("python.DontWriteBytecodeFlag", "false").option("python.PyCachePrefix", pycache);
        }
        if (engine != null) {
            b.engine(engine);
        }
        return b.build();
    }
}
