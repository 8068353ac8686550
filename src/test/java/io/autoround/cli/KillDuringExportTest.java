package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizeOptions;
import io.autoround.export.CheckpointMarker;
import io.autoround.testutil.ChildJvm;
import io.autoround.testutil.FolderSnapshot;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a real {@code auto-round} CLI export (a separate JVM) at several points: the model folder stays
 * byte-identical, nothing partial appears at the target (a previous checkpoint there survives intact), and the
 * next export into the same parent removes the killed run's temporary folder.
 */
class KillDuringExportTest {
    private static final String SUB = "stories-w4g32";

    @TempDir
    Path tmp;

    private Path model;
    private Map<String, String> modelBefore;

    private Process startExport(Path out, String tag) throws IOException {
        return ChildJvm.start(tmp, tmp.resolve(tag + ".log"), Main.class.getName(), "--model", model.toString(),
                "--iters", "2", "--nsamples", "4", "--seqlen", "32", "--dataset", "embedded", "--group_size", "32",
                "--output_dir", out.toString(), "--overwrite");
    }

    /** The killed run's temporary folder beside the target, once it exists. */
    private static Optional<Path> tempFolder(Path out) {
        if (!Files.isDirectory(out)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + SUB + ".tmp-")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Polls until {@code when} holds (then SIGKILLs) or the process ends by itself; true when it was killed. */
    private static boolean killWhen(Process p, Predicate<Path> when, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Optional<Path> temp = tempFolder(out);
            if (temp.isPresent() && when.test(temp.get())) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
                return true;
            }
            Thread.sleep(1);
        }
        p.waitFor(240, TimeUnit.SECONDS);
        return false;
    }

    private static boolean hasEntries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private void nextExportCleansUp(Path out) {
        io.autoround.testutil.RtnRuns.quiet(io.autoround.testutil.RtnRuns.pureW4g32(model, out.resolve("next")));
        assertEquals(Optional.empty(), tempFolder(out), "the next export into the same parent removed the stale temp folder");
    }

    @Test
    void killedExportsLeaveTheModelAndTheTargetIntact() throws Exception {
        model = FolderSnapshot.copy(SharedData.model("stories260k-hf"), tmp.resolve("stories"));
        modelBefore = FolderSnapshot.of(model);
        long[] startedAt = new long[1];
        List<Predicate<Path>> points = List.of(
                temp -> true,                                                   // the temp folder just appeared
                temp -> {                                                       // mid-tuning, 1.5 s later
                    if (startedAt[0] == 0) {
                        startedAt[0] = System.nanoTime();
                    }
                    return System.nanoTime() - startedAt[0] > 1_500_000_000L;
                },
                KillDuringExportTest::hasEntries);                             // shards or configs being written
        int killed = 0;
        for (int i = 0; i < points.size(); i++) {
            Path out = tmp.resolve("out" + i);
            startedAt[0] = 0;
            Process p = startExport(out, "run" + i);
            boolean wasKilled = killWhen(p, points.get(i), out);
            assertEquals(modelBefore, FolderSnapshot.of(model), "model unchanged after kill point " + i);
            System.err.println("kill point " + i + (wasKilled ? ": killed, temp folder held "
                    + tempFolder(out).map(t -> FolderSnapshot.of(t).keySet().toString()).orElse("-") : ": run had finished"));
            if (wasKilled) {
                killed++;
                assertFalse(Files.exists(out.resolve(SUB)), "no partial output at the target (kill point " + i + ")");
                assertTrue(tempFolder(out).isPresent(), "the killed run left its temp folder (point " + i + ")");
                nextExportCleansUp(out);
            } else { // the run finished before the poll saw its moment: the output must then be complete
                assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("run" + i + ".log")));
                assertTrue(CheckpointMarker.isPresent(out.resolve(SUB)));
            }
        }
        assertTrue(killed >= 2, "at least the first two kill points are reached (killed " + killed + ")");

        // overwrite of a previous checkpoint, killed mid-run: the previous checkpoint is still there, unchanged
        Path out = tmp.resolve("out-overwrite");
        QuantizeOptions o = new QuantizeOptions();
        o.model = model.toString();
        o.groupSize = 32;
        o.iters = 0; // optimized RTN: same sub-folder as the SignRound run, in a fraction of the time
        o.outputDir = out.toString();
        new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertTrue(CheckpointMarker.isPresent(out.resolve(SUB)));
        Map<String, String> previous = FolderSnapshot.of(out.resolve(SUB));
        startedAt[0] = 0;
        assertTrue(killWhen(startExport(out, "second"), points.get(1), out), "second run killed mid-tuning");
        assertEquals(previous, FolderSnapshot.of(out.resolve(SUB)), "previous checkpoint intact");
        assertEquals(modelBefore, FolderSnapshot.of(model));
        nextExportCleansUp(out);
    }
}
