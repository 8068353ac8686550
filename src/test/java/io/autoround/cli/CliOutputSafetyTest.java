package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.FolderSnapshot;
import io.autoround.testutil.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad output folders on the command line: exit 2, one line naming the folder, model and user files untouched. */
class CliOutputSafetyTest {
    @TempDir
    Path tmp;
    Path model;
    Map<String, String> modelBefore;

    @BeforeEach
    void copyModel() {
        model = FolderSnapshot.copy(SharedData.model("stories260k-hf"), tmp.resolve("models").resolve("stories"));
        modelBefore = FolderSnapshot.of(model);
    }

    /** Runs a model-free RTN export to {@code out} with extra flags; returns the error output (exit 2 asserted). */
    private String refused(Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--iters", "0", "--disable_opt_rtn",
                "--group_size", "32", "--output_dir", out.toString()));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError)
                .setErr(new PrintWriter(err, true));
        int code = cmd.execute(args.toArray(String[]::new));
        String msg = err.toString().strip();
        assertEquals(2, code, msg);
        assertEquals(1, msg.lines().count(), "one line, no stack trace: " + msg);
        assertTrue(msg.startsWith("auto-round: error: output folder "), msg);
        assertEquals(modelBefore, FolderSnapshot.of(model), "model folder unchanged");
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".tmp-") || n.contains(".old-")).toList(), "no temp folder remains");
        }
        return msg;
    }

    @Test
    void parentOfTheModelWithOverwrite() throws Exception {
        String msg = refused(model.getParent(), "--overwrite");
        assertTrue(msg.contains(model.getParent() + " contains the model folder " + model), msg);
    }

    @Test
    void symlinkToTheModel() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("latest"), model);
        String msg = refused(link, "--overwrite");
        assertTrue(msg.contains("output folder " + link + " is the model folder " + model), msg);
    }

    @Test
    void unrelatedFolderWithUserFilesAndOverwrite() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("thesis.tex"), "\\documentclass{article}");
        Map<String, String> before = FolderSnapshot.of(docs);
        String msg = refused(docs, "--overwrite");
        assertTrue(msg.contains(docs + " is not empty and is not a checkpoint written by auto-round"), msg);
        assertTrue(msg.contains("even with --overwrite"), msg);
        assertEquals(before, FolderSnapshot.of(docs));
        String plain = refused(docs);
        assertTrue(plain.contains("pass --overwrite"), plain);
    }

    @Test
    void subFolderOfTheModelForTheQuantizeAndSaveLayout() throws Exception {
        // without --disable_opt_rtn the checkpoint goes to <output_dir>/<model>-w4g32: inside the model here
        List<String> args = List.of("--model", model.toString(), "--iters", "0", "--group_size", "32", "--output_dir",
                model.resolve("quantized").toString());
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError)
                .setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("lies inside the model folder " + model), err.toString());
        assertEquals(modelBefore, FolderSnapshot.of(model));
        assertFalse(Files.exists(model.resolve("quantized")));
    }
}
