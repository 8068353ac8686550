package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.CheckpointMarker;
import io.autoround.testutil.ChildJvm;
import io.autoround.testutil.FolderSnapshot;
import io.autoround.testutil.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM sent to a real tuning CLI process (a separate JVM, stories260K) at 20 moments spread over its
 * whole run (start-up, calibration, every block's tuning, export), found from the process's own progress output: every run exits 130 / 143 with one line, no
 * JVM crash log appears, no temporary folder is left, and the model folder is unchanged. A run the signal reached
 * after its last safe point keeps its complete checkpoint and still exits with the signal's code.
 */
class SignalInterruptTest {
    private static final String SUB = "stories-w4g32";

    @TempDir
    Path tmp;

    private Process start(Path model, Path out, Path log) throws IOException {
        return ChildJvm.start(tmp, log, Main.class.getName(), "--model", model.toString(), "--iters", "60", "--nsamples",
                "16", "--seqlen", "64", "--dataset", "embedded", "--group_size", "32", "--output_dir", out.toString(),
                "--overwrite");
    }

    /** Where each signal goes: after a line of the child's output appeared (null = after start) plus a delay. */
    private record Moment(String marker, long delayMs) {}

    private static final List<Moment> MOMENTS = List.of(new Moment(null, 300), new Moment("== calibration", 0),
            new Moment("== calibration", 150), new Moment("== quantize", 0), new Moment("block 0 [", 0),
            new Moment("block 0 [", 100), new Moment("[1/5]", 0), new Moment("block 1 [", 50), new Moment("[2/5]", 0),
            new Moment("block 2 [", 0), new Moment("block 2 [", 150), new Moment("[3/5]", 0), new Moment("block 3 [", 50),
            new Moment("[4/5]", 0), new Moment("block 4 [", 0), new Moment("block 4 [", 100), new Moment("[5/5]", 0),
            new Moment("== export", 0), new Moment("[5/5]", 5), new Moment(null, 1500));

    @Test
    void signalsAtAnyMomentExitCleanly() throws Exception {
        Path model = FolderSnapshot.copy(SharedData.model("stories260k-hf"), tmp.resolve("stories"));
        Map<String, String> modelBefore = FolderSnapshot.of(model);
        List<String> outcomes = new ArrayList<>();
        int stopped = 0;
        for (int i = 0; i < MOMENTS.size(); i++) {
            boolean sigint = i % 2 == 0;
            Moment at = MOMENTS.get(i);
            Path out = tmp.resolve("out" + i);
            Path log = tmp.resolve("run" + i + ".log");
            Process p = start(model, out, log);
            waitFor(p, log, at.marker());
            Thread.sleep(at.delayMs());
            if (p.isAlive()) {
                signal(p, sigint);
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run " + i + " ended after its signal");
            String text = Files.readString(log);
            int code = p.exitValue();
            String moment = "run " + i + " (SIG" + (sigint ? "INT" : "TERM") + " " + at.delayMs() + " ms after "
                    + (at.marker() == null ? "start" : "'" + at.marker() + "'") + ")";
            assertTrue(!text.contains("A fatal error has been detected") && !text.contains("SIGSEGV"), moment + " crashed:\n" + text);
            assertEquals(List.of(), leftovers(out), moment + ": temporary folders left");
            if (code == 0) {
                outcomes.add(moment + ": finished before the signal");
                continue;
            }
            stopped++;
            assertEquals(sigint ? 130 : 143, code, moment + " exit code; log:\n" + text);
            boolean kept = text.contains("the output was already complete and is kept");
            if (kept) {
                assertTrue(Files.exists(out.resolve(SUB).resolve(CheckpointMarker.FILE)), moment + ": kept output is complete");
            } else if (at.marker() == null && silent(text)) {
                // the signal came before main installed its handler: the JVM's own handling ended the run
                assertTrue(!Files.exists(out.resolve(SUB)), moment + ": no output before main ran:\n" + text);
            } else {
                assertTrue(text.contains("nothing written"), moment + ": one line says what happened:\n" + text);
                assertTrue(!Files.exists(out.resolve(SUB)), moment + ": no output after an interrupted run:\n" + text);
            }
            outcomes.add(moment + ": exit " + code + (kept ? ", output kept" : ", nothing written"));
        }
        System.out.println("SignalInterruptTest outcomes:\n  " + String.join("\n  ", outcomes));
        assertEquals(List.of(), crashLogs(), "no JVM crash logs");
        assertEquals(modelBefore, FolderSnapshot.of(model), "model folder unchanged");
        assertTrue(stopped >= MOMENTS.size() - 2, "the signals reached the runs: " + outcomes);
    }

    /** True when the child printed nothing of its own (only the JVM's start-up warnings). */
    private static boolean silent(String text) {
        return text.lines().allMatch(l -> l.isBlank() || l.startsWith("WARNING:"));
    }

    /** Polls the child's output until {@code marker} appears (or the child ends). */
    private static void waitFor(Process p, Path log, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (marker != null && p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(marker)) {
                return;
            }
            Thread.sleep(2);
        }
    }

    private static void signal(Process p, boolean sigint) throws Exception {
        if (sigint) {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
        } else {
            p.destroy(); // SIGTERM
        }
    }

    /** Temporary export folders left in {@code out}. */
    private static List<String> leftovers(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-") || n.contains(".old-")).toList();
        }
    }

    private List<String> crashLogs() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")).toList();
        }
    }
}
