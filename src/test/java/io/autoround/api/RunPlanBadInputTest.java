package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Impossible requests fail before any work starts, with a message naming the problem, and leave nothing behind. */
class RunPlanBadInputTest {
    @TempDir
    Path tmp;

    private RuntimeException fails(Consumer<QuantizeOptions> change) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.golden("formats/source-qwen3").toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.outputDir = tmp.resolve("out").toString();
        boolean existed = Files.exists(tmp.resolve("out"));
        change.accept(o);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave());
        if (!existed) {
            assertFalse(Files.exists(tmp.resolve("out")), "no output folder written");
        }
        return e;
    }

    private static void says(RuntimeException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void unknownSchemeAndFormat() {
        says(fails(o -> o.scheme = "W5X16"), "W5X16");
        says(fails(o -> o.formats = List.of("gguf_pro")), "gguf_pro", "auto_round");
    }

    @Test
    void negativeMomentum() {
        says(fails(o -> o.momentum = -0.5), "momentum", "-0.5");
    }

    @Test
    void bitsOutOfRangeAndImpossibleGroups() {
        says(fails(o -> o.bits = 1), "bits");
        says(fails(o -> o.bits = 9), "bits");
        says(fails(o -> o.groupSize = -7), "group_size");
        says(fails(o -> {
            o.sym = false;
            o.groupSize = 100;
            o.formats = List.of("auto_awq");
        }), "group_size 100");
    }

    @Test
    void negativeItersAndUnimplementedOptions() {
        says(fails(o -> o.iters = -1), "iters");
        says(fails(o -> o.nblocks = 0), "nblocks must be >= 1");
        says(fails(o -> {
            o.disableOptRtn = null;
            o.optRtnWeighting = "hessian";
        }), "opt_rtn_weighting", "'uniform' or 'imatrix'", "hessian");
        says(fails(o -> {
            o.iters = 10;
            o.scheme = "MXINT4";
        }), "mx_int", "--iters 0");
        says(fails(o -> {
            o.iters = 10;
            o.scheme = "FP8_STATIC";
        }), "SignRound tuning with activation quantization 'fp' (8 bits, static", "--iters 0");
    }

    @Test
    void fp8WeightsInAnIntOnlyFormatAreRefused() {
        says(fails(o -> {
            o.scheme = "FPW8A16";
            o.formats = List.of("auto_gptq");
        }), "auto_gptq", "model.layers.0", "data_type 'fp' is not int");
        says(fails(o -> {
            o.scheme = "FPW8A16";
            o.formats = List.of("auto_round", "auto_awq");
        }), "auto_awq", "data_type 'fp'");
        says(fails(o -> {
            o.scheme = "FP8_STATIC";
            o.disableOptRtn = null;
            o.formats = List.of("auto_gptq");
        }), "auto_gptq", "data_type 'fp' is not int");
        says(fails(o -> {
            o.scheme = "FP8_BLOCK";
            o.formats = List.of("auto_awq");
        }), "auto_awq", "data_type 'fp'");
        says(fails(o -> {
            o.iters = 10;
            o.scheme = "FP8_BLOCK";
        }), "SignRound tuning with activation quantization 'fp' (8 bits", "--iters 0");
        says(fails(o -> {
            o.scheme = "FP8_STATIC";
            o.disableOptRtn = true;
        }), "static activation scales", "FP8_STATIC", "calibration", "--disable_opt_rtn");
        says(fails(o -> {
            o.scheme = "FP8_STATIC";
            o.actGroupSize = 128;
        }), "FP8 weights with 8-bit fp static activations (act_group_size 128) are not supported");
    }

    @Test
    void existingOutputFolderIsRefusedUnlessOverwriting() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        says(fails(o -> { }), "exists and is not empty", "--overwrite");
        assertEquals("mine", Files.readString(out.resolve("keep.txt")), "existing content untouched");
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        says(fails(o -> o.outputDir = file.resolve("sub").toString()), "cannot be created");
    }

    @Test
    void missingModelAndUnsupportedArchitecture() throws Exception {
        says(fails(o -> o.model = tmp.resolve("no-such-model").toString()), "no-such-model");
        Path weird = tmp.resolve("weird");
        Files.createDirectories(weird);
        Files.writeString(weird.resolve("config.json"), "{\"model_type\": \"gpt2\", \"hidden_size\": 8}");
        says(fails(o -> o.model = weird.toString()), "gpt2");
    }
}
