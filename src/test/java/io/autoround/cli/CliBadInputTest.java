package io.autoround.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad option values through the real command line (issue 11, classes 2-4): each exits 2 with one line that names
 * the option and the value, prints no stack trace, writes no output folder and leaves the model folder unchanged.
 */
class CliBadInputTest {
    @TempDir
    Path tmp;
    private Path model;
    private Path out;
    private Map<String, String> modelHashes;

    @BeforeEach
    void copyModel() throws IOException {
        model = tmp.resolve("stories");
        Files.createDirectories(model);
        try (Stream<Path> s = Files.list(SharedData.model("stories260k-hf"))) {
            for (Path f : s.toList()) {
                Files.copy(f, model.resolve(f.getFileName().toString()));
            }
        }
        model.resolve("").toFile().setWritable(true);
        out = tmp.resolve("out");
        modelHashes = hashes(model);
    }

    /** Runs the CLI as main() does; returns "exit code\nstderr". */
    private String run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cmd = Main.commandLine();
            cmd.setErr(new PrintWriter(e, true));
            cmd.setOut(new PrintWriter(o, true));
            code = Main.run(cmd, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return code + "\n" + err.toString(StandardCharsets.UTF_8);
    }

    /** Quantize command with the copied model and a fresh output folder, plus {@code extra}. */
    private String quantize(String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--output_dir", out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--dataset")) {
            args.addAll(List.of("--dataset", "embedded"));
        }
        return run(args.toArray(String[]::new));
    }

    /** Asserts exit 2, one error line containing every fragment, no trace, nothing written, model unchanged. */
    private void refused(String result, String... fragments) throws IOException {
        String[] parts = result.split("\n", 2);
        String err = parts.length > 1 ? parts[1] : "";
        assertEquals("2", parts[0], "exit code; stderr:\n" + err);
        String line = err.lines().filter(l -> l.startsWith("auto-round: error: ")).findFirst().orElse("");
        for (String f : fragments) {
            assertTrue(line.contains(f), "'" + f + "' in the error line; stderr:\n" + err);
        }
        assertFalse(err.contains("\tat "), "no stack trace:\n" + err);
        assertFalse(err.contains("Exception"), "no exception class name:\n" + err);
        assertFalse(Files.exists(out), "no output folder written");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("stories"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing but the model beside the output folder (no temp folders)");
        }
        assertEquals(modelHashes, hashes(model), "model folder unchanged");
    }

    // ---- class 2: sizes from the user are checked against the model and the limits before any work

    @Test
    void zeroCountsAreRefused() throws IOException {
        refused(quantize("--nsamples", "0", "--iters", "2"), "nsamples", "0");
        refused(quantize("--seqlen", "1", "--iters", "2"), "seqlen", "1");
        refused(quantize("--gradient_accumulate_steps", "0", "--iters", "2"), "gradient_accumulate_steps", "0");
        refused(quantize("--train_bs", "-4", "--iters", "2"), "batch_size", "-4");
    }

    @Test
    void groupSizeWiderThanEveryLayerIsRefused() throws IOException {
        // stories260K: hidden 64, intermediate 172; 4096 is no group at all.
        refused(quantize("--group_size", "4096", "--iters", "0"), "group_size 4096", "172", "-1");
        refused(quantize("--layer_config", "{'.*q_proj': {'group_size': 2048}}", "--iters", "0"),
                "group_size 2048", "model.layers.0.self_attn.q_proj");
    }

    @Test
    void calibrationTokensAndLayerConfigEntriesAreCapped() throws IOException {
        refused(quantize("--nsamples", "20000", "--seqlen", "2048", "--iters", "2"), "nsamples x seqlen",
                "20000 x 2048", "autoround.limits.calibration_tokens", "AR_LIMIT_CALIBRATION_TOKENS");
        refused(quantize("--dataset", "embedded:num=50000000", "--iters", "2"), "num=50000000", "calibration_tokens");
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 10_001; i++) {
            big.append(i == 0 ? "" : ",").append("'model.layers.").append(i).append(".mlp.up_proj': 'W8A16'");
        }
        refused(quantize("--layer_config", big.append('}').toString(), "--iters", "0"), "layer_config has 10001 entries",
                "autoround.limits.layer_config_entries");
        String deep = "{'a':".repeat(3000) + "1" + "}".repeat(3000);
        refused(quantize("--layer_config", deep, "--iters", "0"), "--layer_config", "nesting depth");
    }

    @Test
    void inferenceSizesMustFitTheModelsPositions() throws IOException {
        // stories260K has 512 positions.
        refused(run("generate", "--model", model.toString(), "--max_new_tokens", "600"), "--max_new_tokens 600", "512 positions");
        refused(run("generate", "--model", model.toString(), "--max_new_tokens", "0"), "--max_new_tokens", "0");
        refused(run("eval", "--model", model.toString(), "--seqlen", "1024"), "--seqlen", "1024", "512 positions");
        refused(run("eval", "--model", model.toString(), "--batch_size", "0"), "--batch_size", "0");
        refused(run("bench", "--model", model.toString(), "--repeats", "0"), "--repeats", "0");
        refused(run("bench", "--model", model.toString(), "--prompt_len", "480", "--decode_tokens", "64"),
                "--prompt_len 480", "--decode_tokens 64", "544 tokens");
        refused(quantize("--iters", "0", "--eval", "--eval_seqlen", "4096"), "--eval_seqlen 4096", "512 positions");
    }

    // ---- class 3: bad values give a message naming the option and the value, not an internal error

    @Test
    void floatOptionsMustBeFiniteAndInRange() throws IOException {
        refused(quantize("--lr", "Infinity", "--iters", "2"), "lr", "Infinity");
        refused(quantize("--minmax_lr", "-0.01", "--iters", "2"), "minmax_lr", "-0.01");
        refused(quantize("--minmax_lr", "NaN", "--iters", "2"), "minmax_lr", "NaN");
        refused(quantize("--momentum", "-Infinity", "--iters", "2"), "momentum", "-Infinity");
        refused(run("generate", "--model", model.toString(), "--temperature", "NaN"), "--temperature", "NaN");
        refused(run("generate", "--model", model.toString(), "--top_p", "1.5"), "--top_p", "1.5");
    }

    @Test
    void layerConfigValuesOfTheWrongTypeNameTheKey() throws IOException {
        refused(quantize("--layer_config", "{'.*o_proj': {'group_size': 'big'}}", "--iters", "0"),
                "layer_config['.*o_proj']", "group_size", "'big'");
        refused(quantize("--layer_config", "{'.*o_proj': {'sym': 'maybe'}}", "--iters", "0"),
                "layer_config['.*o_proj']", "sym", "'maybe'");
        refused(quantize("--layer_config", "{'.*o_proj': {'bits': 4.5}}", "--iters", "0"), "bits", "4.5");
        refused(quantize("--layer_config", "{'.*o_proj': {'data_type': 8}}", "--iters", "0"), "data_type", "8");
        refused(quantize("--layer_config", "{'.*o_proj': {'group_size': 1e20}}", "--iters", "0"), "group_size", "1.0E20");
    }

    @Test
    void textFilesThatAreNotUtf8AreNamed() throws IOException {
        Path bin = tmp.resolve("calib.jsonl");
        Files.write(bin, new byte[] {'{', '"', 't', '"', ':', (byte) 0xff, (byte) 0xfe, 0, 1});
        Path text = tmp.resolve("eval.txt");
        Files.write(text, new byte[] {'a', 'b', (byte) 0xc3, (byte) 0x28});
        modelHashes = hashes(model);
        String r = run("--model", model.toString(), "--output_dir", out.toString(), "--iters", "2", "--nsamples", "2",
                "--seqlen", "16", "--dataset", bin.toString());
        Files.delete(bin);
        refusedIgnoring(r, text, bin.toString(), "not UTF-8 text", "offset 5");
        r = run("eval", "--model", model.toString(), "--text", text.toString());
        refusedIgnoring(r, text, text.toString(), "not UTF-8 text", "offset 2");
        r = quantize("--iters", "0", "--eval", "--eval_text", text.toString());
        refusedIgnoring(r, text, "--eval_text", text.toString(), "not UTF-8");
        Files.delete(text);
    }

    private void refusedIgnoring(String result, Path extraFile, String... fragments) throws IOException {
        Path moved = tmp.getParent().resolve(tmp.getFileName() + "-" + extraFile.getFileName());
        boolean had = Files.exists(extraFile);
        if (had) {
            Files.move(extraFile, moved);
        }
        try {
            refused(result, fragments);
        } finally {
            if (had) {
                Files.move(moved, extraFile);
            }
        }
    }

    @Test
    void fullPrecisionBitsAreExplained() throws IOException {
        refused(quantize("--bits", "32", "--iters", "0"), "bits 32", "nothing to quantize", "[2, 3, 4, 5, 6, 7, 8]");
        refused(quantize("--bits", "12", "--iters", "0"), "bits=12", "[2, 3, 4, 5, 6, 7, 8]");
        refused(quantize("--act_bits", "20", "--iters", "0"), "act_bits=20");
    }

    // ---- class 4: options that were accepted and ignored are now refused (or implemented)

    @Test
    void dtypeOptionsAreCheckedNotIgnored() throws IOException {
        refused(quantize("--model_dtype", "int8", "--iters", "0"), "model_dtype", "'int8'", "bf16");
        refused(quantize("--model_dtype", "bf16", "--iters", "0"), "model_dtype", "'bf16'", "float32");
        refused(quantize("--scale_dtype", "e8m0", "--iters", "0"), "scale_dtype", "'e8m0'", "fp16");
        refused(quantize("--scale_dtype", "fp32", "--iters", "0"), "scale_dtype", "'fp32'", "fp16");
        refused(quantize("--act_bits", "8", "--act_data_type", "posit8", "--iters", "0"), "act_data_type",
                "'posit8'");
    }

    @Test
    void namesThatMatchNothingAreRefused() throws IOException {
        refused(quantize("--to_quant_block_names", "model.layers.9", "--iters", "0"), "to_quant_block_names",
                "model.layers.9", "model.layers.0 to model.layers.4");
        refused(quantize("--to_quant_block_names", "layers.[", "--iters", "0"), "to_quant_block_names", "layers.[");
        refused(run("bench", "--model", model.toString(), "--backend", "packed-cpu,dequant-fp64"), "--backend",
                "dequant-fp64", "packed-cpu");
        refused(run("eval", "--model", model.toString(), "--backend", "fastest"), "--backend", "'fastest'");
        refused(quantize("--platform", "github", "--iters", "0"), "--platform", "'github'", "model_scope");
        refused(quantize("--device_map", "tpu:0", "--iters", "0"), "device_map", "'tpu:0'");
    }

    @Test
    void layerConfigBitsAboveSixteenAreRefused() throws IOException {
        refused(quantize("--layer_config", "{'.*gate_proj': {'bits': 40}}", "--iters", "0"), "bits=40",
                "layer_config['.*gate_proj']", "16");
        refused(quantize("--layer_config", "{'.*up_proj': {'act_bits': 24}}", "--iters", "0"), "act_bits=24");
        refused(quantize("--iters", "0", "--eval_text", "x.txt"), "--eval_text", "without --eval");
    }

    @Test
    void superBlockOptionsOutsideGgufAreRefused() throws IOException {
        refused(quantize("--super_bits", "6", "--iters", "0"), "super_bits", "6", "data_type 'int'");
        refused(quantize("--super_group_size", "8", "--scheme", "MXFP4", "--iters", "0"), "super_group_size",
                "8", "mx_fp");
        refused(quantize("--layer_config", "{'.*q_proj': {'super_bits': 4}}", "--iters", "0"), "super_bits",
                "layer_config '.*q_proj'");
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
