package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --low_cpu_mem_usage / --disable_low_cpu_mem_usage on the command line, and the peak RSS in the final summary line. */
class MemoryFlagsCliTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cmd = new CommandLine(new Main()).setExecutionExceptionHandler(Main::handleError);
            cmd.setErr(new java.io.PrintWriter(e, true));
            code = cmd.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void contradictoryFlagsExitTwoNamingBoth() throws IOException {
        Path model = SharedData.model("stories260k-hf");
        Path out = tmp.resolve("out");
        Result r = run("--model", model.toString(), "--iters", "0", "--low_cpu_mem_usage", "--disable_low_cpu_mem_usage",
                "--output_dir", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--low_cpu_mem_usage and --disable_low_cpu_mem_usage contradict each other"), r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), "one line, no stack trace: " + r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void finalSummaryLineReportsPeakRss() {
        Path out = tmp.resolve("rtn");
        Result r = run("--model", SharedData.model("stories260k-hf").toString(), "--iters", "0", "--disable_opt_rtn",
                "--low_cpu_mem_usage", "--output_dir", out.toString());
        assertEquals(0, r.code(), r.err());
        String last = r.err().lines().filter(l -> l.startsWith("auto-round: wrote ")).reduce((a, b) -> b).orElse("");
        assertTrue(Pattern.compile("auto-round: wrote .+ \\(\\d+\\.\\d s, peak RSS \\d+\\.\\d\\d GiB\\)").matcher(last).matches(),
                "summary line: " + last + "\n" + r.err());
        double gib = Double.parseDouble(last.replaceAll(".*peak RSS ([0-9.]+) GiB\\)", "$1"));
        assertTrue(gib > 0.05 && gib < 64, "a JVM with libtorch loaded holds more than 50 MiB: " + gib);
    }
}
