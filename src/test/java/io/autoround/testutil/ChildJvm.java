package io.autoround.testutil;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a main class of the project in a separate JVM (for tests that must SIGKILL a real process): this JVM's
 * java binary, its class path and its module/native-access/system-property flags.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** Starts {@code mainClass args} in {@code workDir}; stdout and stderr go to {@code log}. */
    public static Process start(Path workDir, Path log, String mainClass, String... args) throws IOException {
        return start(workDir, log, List.of(), mainClass, args);
    }

    /** As {@link #start(Path, Path, String, String...)} with extra JVM options (e.g. system properties). */
    public static Process start(Path workDir, Path log, List<String> jvmOptions, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--add-modules") || a.startsWith("--sun-misc")
                    || a.startsWith("-Xss") || (a.startsWith("-D") && !a.startsWith("-Dsurefire") && !a.startsWith("-Dbasedir"))) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx1g");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        String djl = System.getenv("DJL_CACHE_DIR");
        if (djl != null) {
            pb.environment().put("DJL_CACHE_DIR", djl);
        }
        return pb.start();
    }
}
