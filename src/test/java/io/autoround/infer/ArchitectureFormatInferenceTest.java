package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.api.AutoRound;
import io.autoround.api.ModelLoader;
import io.autoround.api.QuantizeOptions;
import io.autoround.model.nn.DecoderModel;
import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture family of the core (dense, biased q/k/v, sparse MoE) quantized by this project into each
 * export format, loaded through every backend: logits match the dequantized-reader model (1e-3).
 */
class ArchitectureFormatInferenceTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of("llama", "auto_round", 4, 32, true), Arguments.of("qwen2", "auto_gptq", 4, 64, true),
                Arguments.of("mistral", "auto_awq", 4, 32, false), Arguments.of("qwen3_moe", "llm_compressor", 4, 32, true),
                Arguments.of("mixtral", "auto_round", 2, 32, false), Arguments.of("qwen3", "auto_round", 8, -1, true));
    }

    @ParameterizedTest(name = "{0} {1} W{2} g{3} sym={4}")
    @MethodSource("cases")
    void quantizedModelMatchesDequantizedReaderOnEveryBackend(String arch, String format, int bits, int group,
            boolean sym) throws Exception {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.golden("parity/" + arch).toString();
        o.iters = 0;
        o.disableOptRtn = true;
        o.bits = bits;
        o.groupSize = group;
        o.sym = sym;
        o.formats = new java.util.ArrayList<>(List.of(format));
        o.outputDir = tmp.resolve(arch + "-" + format).toString();
        new AutoRound(o, System.err).quantizeAndSave();
        Path dir;
        try (var s = Files.walk(Path.of(o.outputDir))) {
            dir = s.filter(p -> p.getFileName().toString().equals("config.json")).findFirst().orElseThrow().getParent();
        }
        long[] ids = {1, 5, 77, 300, 12, 511, 64, 9};
        float[] expected;
        try (DecoderModel ref = ModelLoader.load(dir)) {
            expected = logits(ref, ids);
        }
        for (String backend : BackendRegistry.discover().names()) {
            try (QuantizedModel q = QuantizedModel.load(dir, Device.cpu(), backend)) {
                assertTrue(q.plan().orElseThrow().selections().size() >= 14, arch + " quantized layers");
                float[] got = logits(q.model(), ids);
                double maxDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
                }
                assertEquals(expected.length, got.length);
                assertTrue(maxDiff < 1e-3, arch + " " + format + " via " + backend + ": max |diff| " + maxDiff);
            }
        }
    }

    static float[] logits(DecoderModel m, long[] ids) {
        try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
            return m.logits(scope.create(ids, new Shape(1, ids.length)), null).toFloatArray();
        }
    }
}
