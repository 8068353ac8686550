package io.autoround.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/auto-round-python's main class: sys.argv is passed through and exit statuses are preserved. */
class PythonRunnerTest {
    @Test
    void argvAndExitStatus(@TempDir Path tmp) throws IOException {
        Path script = tmp.resolve("script.py");
        Path argvOut = tmp.resolve("argv.txt");
        Files.writeString(script, """
                import sys, auto_round
                with open(sys.argv[1], "w") as f:
                    f.write(" ".join(sys.argv[1:]) + " " + type(auto_round.AutoRound).__name__)
                sys.exit(int(sys.argv[2]))
                """);
        try (Engine engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build()) {
            assertEquals(7, PythonRunner.run(engine, script.toString(), argvOut.toString(), "7", "x y"));
            assertEquals(argvOut + " 7 x y type", Files.readString(argvOut));
            // An uncaught exception prints the traceback and exits with 1; -c gets sys.argv[0] == "-c".
            assertEquals(1, PythonRunner.run(engine, "-c", "import sys; assert sys.argv == ['-c', 'a'], sys.argv; "
                    + "raise ValueError('boom')", "a"));
            assertEquals(0, PythonRunner.run(engine, "-c", "import sys; assert sys.argv == ['-c']; sys.exit(None)"));
        }
        assertEquals(2, PythonRunner.run(tmp.resolve("missing.py").toString()));
    }
}
