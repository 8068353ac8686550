package io.autoround.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import io.autoround.testutil.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend x (bits, group, sym, shape) against the scalar oracle, on seeded random layers and on real layers of
 * the reference's exports; decode (1 row) and prefill (several rows) inputs.
 */
class BackendKernelMatrixTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static List<InferenceBackend> backends() {
        return BackendRegistry.discover().all();
    }

    static Stream<Arguments> randomCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{48, 256, 128}, {40, 200, 64}, {33, 96, -1}, {24, 160, 32}};
        for (InferenceBackend b : backends()) {
            for (int bits : new int[] {2, 3, 4, 8}) {
                for (boolean sym : new boolean[] {true, false}) {
                    for (int[] s : shapes) {
                        out.add(Arguments.of(b.name(), bits, sym, s[0], s[1], s[2]));
                    }
                }
            }
        }
        return out.stream();
    }

    static QuantizedWeight randomWeight(int rows, int cols, QuantScheme s, long seed) {
        Random r = new Random(seed);
        int levels = 1 << s.bits();
        int groups = s.groupsPerRow(cols);
        int[] codes = new int[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.nextInt(levels);
        }
        float[] scales = new float[rows * groups];
        int[] zeros = new int[rows * groups];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) ((r.nextBoolean() ? 1 : -1) * (0.001 + r.nextDouble() * 0.05));
            zeros[i] = s.sym() ? levels / 2 : r.nextInt(levels);
        }
        return new QuantizedWeight("random." + rows + "x" + cols, rows, cols, s, codes, scales, zeros, Float.NaN);
    }

    @ParameterizedTest(name = "{0} int{1} sym={2} {3}x{4} g{5}")
    @MethodSource("randomCases")
    void randomLayerMatchesScalarReference(String backend, int bits, boolean sym, int rows, int cols, int group) {
        QuantizedWeight w = randomWeight(rows, cols, QuantScheme.weightOnlyInt(bits, group, sym), bits * 31L + rows);
        check(backend, w, 1, 7);
        check(backend, w, 5, 8);
    }

    static Stream<Arguments> realCases() {
        List<Arguments> out = new ArrayList<>();
        for (InferenceBackend b : backends()) {
            for (String dir : new String[] {"W4A16-auto_round", "W4A16-auto_awq/source-qwen3-w4g128",
                    "W3A16-auto_round/source-qwen3-w3g128"}) {
                out.add(Arguments.of(b.name(), dir));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("realCases")
    void realLayersMatchScalarReference(String backend, String dir) {
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(SharedData.golden("formats/" + dir))) {
            for (String layer : List.of("model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj")) {
                check(backend, ckpt.weights().get(layer), 3, 11);
            }
        }
    }

    private static void check(String backend, QuantizedWeight w, int m, long seed) {
        Random r = new Random(seed);
        float[] x = new float[m * w.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] expected = ScalarLinearReference.forward(w, x, m);
        InferenceBackend b = BackendRegistry.discover().find(backend).orElseThrow();
        try (NDManager scope = manager.newSubManager()) {
            QuantizedLinear module = b.create(w, scope);
            NDArray y = module.forward(scope.create(x, new Shape(1, m, w.cols())));
            assertEquals(new Shape(1, m, w.rows()), y.getShape(), backend + " output shape");
            float[] got = y.toFloatArray();
            double maxAbs = 0;
            for (float v : expected) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertTrue(maxAbs > 0.05, "degenerate reference output");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], 2e-5 * maxAbs + 1e-6,
                        backend + " " + w.name() + " output " + i + " (m=" + m + ")");
            }
        }
    }
}
