package io.autoround.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.ChildJvm;
import io.autoround.testutil.FolderSnapshot;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code quantize_and_save} in {@code auto-round-python} (a separate JVM): the Java tuning stops at its
 * next safe point and the script sees KeyboardInterrupt, which it may catch (then goes on calling the facade) or not
 * (the process exits 130); SIGTERM ends it with status 143. No crash log, no output, no temporary folder, the model
 * unchanged.
 */
class PythonInterruptTest {
    @TempDir
    Path tmp;

    private static final String SCRIPT = """
            import sys
            from auto_round import AutoRound
            model, out, catch = sys.argv[1], sys.argv[2], sys.argv[3] == "catch"
            ar = AutoRound(model, scheme="W4A16", group_size=32, iters=400, nsamples=16, seqlen=64, dataset="embedded")
            print("tuning starts", flush=True)
            try:
                ar.quantize_and_save(out)
            except KeyboardInterrupt:
                if not catch:
                    raise
                print("caught KeyboardInterrupt", flush=True)
                # the facade goes on working after a handled interrupt
                AutoRound(model, scheme="W4A16", iters=0, nsamples=4, seqlen=32, dataset="embedded")
                print("facade usable after the interrupt", flush=True)
            """;

    @Test
    void ctrlCBecomesKeyboardInterruptAndSigtermExits143() throws Exception {
        Path model = FolderSnapshot.copy(SharedData.model("stories260k-hf"), tmp.resolve("stories"));
        Map<String, String> before = FolderSnapshot.of(model);
        Path script = Files.writeString(tmp.resolve("tune.py"), SCRIPT);
        record Case(String signal, String mode, int exit, String says) {}
        for (Case c : List.of(new Case("INT", "raise", 130, "KeyboardInterrupt"),
                new Case("INT", "catch", 0, "facade usable after the interrupt"), new Case("TERM", "raise", 143, ""))) {
            Path out = tmp.resolve("out-" + c.signal() + "-" + c.mode());
            Path log = tmp.resolve(c.signal() + "-" + c.mode() + ".log");
            Process p = ChildJvm.start(tmp, log, List.of("-Dautoround.python.dir=" + pythonDir()),
                    PythonRunner.class.getName(), script.toString(), model.toString(), out.toString(), c.mode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (p.isAlive() && System.nanoTime() < deadline && !(Files.exists(log)
                    && Files.readString(log).contains("tuning starts") && Files.isDirectory(out))) {
                Thread.sleep(5);
            }
            Thread.sleep(1500); // into the blocks' tuning
            assertTrue(p.isAlive(), "still tuning when the signal comes: " + Files.readString(log));
            new ProcessBuilder("kill", "-" + c.signal(), Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ended after SIG" + c.signal());
            String text = Files.readString(log);
            assertEquals(c.exit(), p.exitValue(), c + ":\n" + text);
            assertTrue(text.contains(c.says()), c + ":\n" + text);
            assertFalse(text.contains("A fatal error has been detected"), text);
            try (Stream<Path> s = Files.list(out)) {
                assertEquals(List.of(), s.map(f -> f.getFileName().toString()).toList(), c + ": nothing written, no temp folder");
            }
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList());
        }
        assertEquals(before, FolderSnapshot.of(model));
    }

    /** The project's python/ folder, as the in-process Python tests find it. */
    private static String pythonDir() {
        String set = System.getProperty("autoround.python.dir");
        return Path.of(set != null ? set : "python").toAbsolutePath().normalize().toString();
    }
}
