package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.arch.LinearSpec;
import io.autoround.model.nn.GatedMlp;
import io.autoround.model.nn.LinearLayer;
import io.autoround.model.nn.SparseMoe;
import io.autoround.quant.QuantScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * reference-spec 8.2: an expert that receives no calibration token gets no gradient during SignRound and keeps
 * its round-to-nearest parameters (offsets 0, clipping scales 1), while the routed experts are tuned.
 */
class MoeUnroutedExpertTest {
    private static final int HIDDEN = 32;
    private static final int INTER = 32;
    private static final int EXPERTS = 4;

    @Test
    void expertWithoutTokensStaysAtRoundToNearest() {
        Random rnd = new Random(7);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // every input leans along u; the router row of expert 3 points against u, so it is never in the top 2
            float[] u = gaussian(rnd, HIDDEN, 1f);
            // experts 0-2 see only the noise around u (their rows are orthogonal to u), so all three get tokens
            float[] router = gaussian(rnd, EXPERTS * HIDDEN, 1f);
            double uu = dot(u, 0, u);
            for (int e = 0; e < 3; e++) {
                double c = dot(router, e * HIDDEN, u) / uu;
                for (int d = 0; d < HIDDEN; d++) {
                    router[e * HIDDEN + d] -= (float) (c * u[d]);
                }
            }
            for (int d = 0; d < HIDDEN; d++) {
                router[3 * HIDDEN + d] = -2f * u[d];
            }
            Map<String, LinearLayer> linears = new LinkedHashMap<>();
            List<GatedMlp> experts = new ArrayList<>();
            for (int e = 0; e < EXPERTS; e++) {
                String p = "experts." + e + ".";
                experts.add(new GatedMlp(linear(m, rnd, linears, p + "gate_proj", INTER, HIDDEN),
                        linear(m, rnd, linears, p + "up_proj", INTER, HIDDEN), linear(m, rnd, linears, p + "down_proj", HIDDEN, INTER)));
            }
            LinearLayer gate = new LinearLayer(new LinearSpec("gate", "gate", EXPERTS, HIDDEN, false, false),
                    m.create(router, new Shape(EXPERTS, HIDDEN)), null);
            SparseMoe moe = new SparseMoe(gate, experts, 2, true);

            int n = 8;
            int seq = 16;
            float[] x = gaussian(rnd, n * seq * HIDDEN, 0.3f);
            for (int i = 0; i < n * seq; i++) {
                for (int d = 0; d < HIDDEN; d++) {
                    x[i * HIDDEN + d] += 2f * u[d];
                }
            }
            NDArray inputs = m.create(x, new Shape(n, seq, HIDDEN));
            TunableBlock block = new MoeBlock(moe, linears);
            NDArray targets = moe.forward(inputs);
            QuantScheme w2 = QuantScheme.weightOnlyInt(2, 32, true);
            Map<String, QuantScheme> schemes = new LinkedHashMap<>();
            linears.keySet().forEach(k -> schemes.put(k, w2));
            SignRoundSettings settings = new SignRoundSettings(30, null, null, 0, 4, 1, true, false, -1, 42);
            BlockTuningResult r = new SignRoundBlockTuner(settings).tune(block, schemes, inputs, targets,
                    m.ones(new Shape(n, seq, 1)), null);

            assertTrue(r.tunedLoss() < r.rtnLoss(), "tuned " + r.tunedLoss() + " vs RTN " + r.rtnLoss());
            assertEquals(linears.size(), r.layers().size());
            for (TunedLinear t : r.layers().values()) {
                boolean unrouted = t.name().startsWith("experts.3.");
                boolean untouched = allEqual(t.offsets(), 0f) && allEqual(t.minScale(), 1f) && allEqual(t.maxScale(), 1f);
                assertEquals(unrouted, untouched, t.name() + (unrouted ? " received no token but moved" : " was not tuned"));
            }
        }
    }

    /** The MoE block with replaceable expert weights, as the tuner sees it. */
    private record MoeBlock(SparseMoe moe, Map<String, LinearLayer> linears) implements TunableBlock {
        @Override
        public List<String> linearNames() {
            return List.copyOf(linears.keySet());
        }

        @Override
        public NDArray weight(String name) {
            return linears.get(name).originalWeight();
        }

        @Override
        public NDArray forward(NDArray hidden, Map<String, NDArray> weights) {
            weights.forEach((name, w) -> linears.get(name).setWeightOverride(w));
            try {
                return moe.forward(hidden);
            } finally {
                weights.keySet().forEach(name -> linears.get(name).clearOverride());
            }
        }
    }

    private static LinearLayer linear(NDManager m, Random rnd, Map<String, LinearLayer> all, String name, int out, int in) {
        LinearLayer l = new LinearLayer(new LinearSpec(name, name, out, in, false, true),
                m.create(gaussian(rnd, out * in, 0.2f), new Shape(out, in)), null);
        all.put(name, l);
        return l;
    }

    private static float[] gaussian(Random rnd, int size, float std) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) rnd.nextGaussian() * std;
        }
        return a;
    }

    private static double dot(float[] a, int offset, float[] b) {
        double s = 0;
        for (int d = 0; d < b.length; d++) {
            s += a[offset + d] * (double) b[d];
        }
        return s;
    }

    private static boolean allEqual(float[] a, float v) {
        for (float f : a) {
            if (f != v) {
                return false;
            }
        }
        return true;
    }
}
