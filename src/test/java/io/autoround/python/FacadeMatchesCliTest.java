package io.autoround.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.DemoAssets;
import io.autoround.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Python facade and the Java CLI, given the same arguments, write byte-identical checkpoints. */
class FacadeMatchesCliTest {
    private static final String FACADE = """
            def quantize(model, out):
                from auto_round import AutoRound
                ar = AutoRound(model, scheme="W4A16", group_size=32, iters=4, nsamples=8, seqlen=64, dataset="embedded")
                return ar.quantize_and_save(out, format="auto_round")[1]
            quantize
            """;

    @Test
    void sameArgumentsSameCheckpoint(@TempDir Path tmp) throws IOException {
        String model = DemoAssets.model().toString();
        Path cliOut = tmp.resolve("cli");
        int code = new CommandLine(new Main()).execute("--model", model, "--scheme", "W4A16", "--group_size", "32",
                "--iters", "4", "--nsamples", "8", "--seqlen", "64", "--dataset", "embedded", "--format", "auto_round",
                "--output_dir", cliOut.toString());
        assertEquals(0, code, "CLI exit code");

        Value quantize = SharedPython.context().eval("python", FACADE);
        Path pyFolder = Path.of(quantize.execute(model, tmp.resolve("py").toString()).asString());
        Path cliFolder = cliOut.resolve("stories260k-w4g32");
        assertEquals(tmp.resolve("py").resolve("stories260k-w4g32"), pyFolder);

        List<String> files = list(cliFolder);
        assertEquals(files, list(pyFolder));
        assertTrue(files.contains("model.safetensors") && files.contains("quantization_config.json"), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(cliFolder.resolve(f)), Files.readAllBytes(pyFolder.resolve(f)), f);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
