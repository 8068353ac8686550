package io.autoround.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autoround.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the {@code auto-round} command line in-process and returns what it printed on stdout. */
public final class CliRun {
    private CliRun() {
    }

    /** Runs {@code args}, asserts exit code 0 (the message carries the output) and returns stdout. */
    public static String succeed(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", args) + " failed: " + out);
        return out;
    }
}
