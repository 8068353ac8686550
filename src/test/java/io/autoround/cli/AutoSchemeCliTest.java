package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --avg_bits / --options through the real command line on stories260K: the table, the JSON file, the errors. */
class AutoSchemeCliTest {
    @TempDir
    Path tmp;

    /** "exit code\nstderr" of the CLI run as main() runs it. */
    private static String run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(e);
            code = Main.run(Main.commandLine(), args);
        } finally {
            System.setErr(old);
        }
        return code + "\n" + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void searchesWritesTheTableAndTheMixedCheckpoint() throws Exception {
        Path out = tmp.resolve("out");
        String r = run("--model", SharedData.model("stories260k-hf").toString(), "--avg_bits", "3", "--options", "W2A16",
                "W4A16", "--iters", "0", "--disable_opt_rtn", "--dataset",
                SharedData.text("tinystories_train_sample.txt").toString(), "--format", "auto_round,auto_gptq",
                "--output_dir", out.toString());
        assertTrue(r.startsWith("0\n"), r);
        assertTrue(r.contains("AutoScheme: achieved average"), r);
        assertTrue(r.contains("model.layers.0.self_attn.q_proj"), r);
        java.util.List<Path> tables;
        try (Stream<Path> s = Files.walk(out)) {
            tables = s.filter(p -> p.getFileName().toString().equals("auto_scheme.json")).sorted().toList();
        }
        assertTrue(tables.size() == 2, "one table per format: " + tables);
        Path json = tables.get(0);
        JsonNode table = new ObjectMapper().readTree(Files.readString(json));
        // both checkpoints read back with the chosen bits per layer
        for (Path t : tables) {
            try (io.autoround.export.QuantizedCheckpoint c = io.autoround.export.QuantizedCheckpointReader.read(t.getParent())) {
                for (JsonNode row : table.get("layers")) {
                    String layer = row.get("layer").asText();
                    assertTrue(c.weights().get(layer).scheme().bits() == row.get("bits").asInt(), t + " " + layer);
                }
            }
        }
        double achieved = table.get("achieved_avg_bits").asDouble();
        assertTrue(achieved <= 3.0 && achieved > 2.5, "achieved " + achieved);
        JsonNode qc = new ObjectMapper().readTree(Files.readString(json.resolveSibling("quantization_config.json")));
        boolean mixed = false;
        for (JsonNode row : table.get("layers")) {
            mixed |= row.get("bits").asInt() != qc.get("bits").asInt();
        }
        assertTrue(mixed, "both options are used at 3 bits: " + table);
    }

    @Test
    void halfARequestIsRefused() {
        String model = SharedData.model("stories260k-hf").toString();
        String r = run("--model", model, "--avg_bits", "3", "--output_dir", tmp.resolve("a").toString());
        assertTrue(r.startsWith("2\n") && r.contains("--avg_bits needs --options"), r);
        r = run("--model", model, "--options", "W2A16,W4A16", "--output_dir", tmp.resolve("b").toString());
        assertTrue(r.startsWith("2\n") && r.contains("give --avg_bits too"), r);
        r = run("--model", model, "--avg_bits", "9", "--options", "W2A16,W4A16", "--output_dir", tmp.resolve("c").toString());
        assertTrue(r.startsWith("2\n") && r.contains("outside the valid range"), r);
        assertFalse(Files.exists(tmp.resolve("c")));
    }
}
