package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.api.ModelLoader;
import io.autoround.model.nn.DecoderModel;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference's own exports load through every backend that can serve them and give the logits of the
 * dequantize-with-the-format-reader model (1e-3).
 */
class GoldenFormatsInferenceTest {
    static final String[] EXPORTS = {"W4A16-auto_round", "W4A16-auto_gptq/source-qwen3-w4g128",
        "W4A16-auto_awq/source-qwen3-w4g128", "W3A16-auto_round/source-qwen3-w3g128"};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String e : EXPORTS) {
            for (String b : BackendRegistry.discover().names()) {
                out.add(Arguments.of(e, b));
            }
        }
        return out.stream();
    }

    static float[] logits(DecoderModel m, long[] ids) {
        try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
            return m.logits(scope.create(ids, new Shape(1, ids.length)), null).toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("cases")
    void logitsMatchDequantizedReader(String export, String backend) {
        Path dir = SharedData.golden("formats/" + export);
        long[] ids = {1, 17, 345, 201, 77, 5, 499, 123, 64, 150, 3, 42};
        float[] expected;
        try (DecoderModel ref = ModelLoader.load(dir)) {
            expected = logits(ref, ids);
        }
        try (QuantizedModel q = QuantizedModel.load(dir, Device.cpu(), backend)) {
            assertEquals(List.of(backend), List.copyOf(q.plan().orElseThrow().backendsUsed()));
            assertEquals(14, q.plan().orElseThrow().selections().size(), "quantized layers of " + export);
            float[] got = logits(q.model(), ids);
            double maxAbs = 0;
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
            }
            assertTrue(maxAbs > 0.01, "degenerate logits");
            assertTrue(maxDiff < 1e-3, export + " via " + backend + ": max |logit diff| " + maxDiff);
        }
    }
}
