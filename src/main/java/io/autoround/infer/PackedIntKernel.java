package io.autoround.infer;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y = x W^T} straight from {@link PackedIntWeights} with the Vector API, never materializing W. Per output
 * row and group it accumulates {@code sum_k x[k] q[k]} from unpacked codes, scales it, and subtracts the zero-point
 * term {@code s z sum_k x[k]} once per group. Several input rows (prefill) unpack each weight row once into a small
 * scratch row instead. Rows are split across the common fork-join pool when the layer is large enough.
 */
final class PackedIntKernel {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final int ROWS_PER_TASK = 32;
    // below ~1M weight-rows a fork-join hand-off costs more than it saves (and stalls when cores are busy)
    private static final long PARALLEL_MIN_WEIGHTS = 1L << 20;

    private PackedIntKernel() {}

    /** Lanes the packed layout must use on this machine. */
    static int lanes() {
        return FLOATS.length();
    }

    /** x [m, cols] row-major -> y [m, rows] row-major. */
    static float[] forward(PackedIntWeights p, float[] x, int m) {
        if (p.lanes != lanes()) {
            throw new IllegalStateException("weights packed for " + p.lanes + " lanes, this machine has " + lanes());
        }
        int stride = p.groups * p.paddedGroupWidth;
        float[] xp = new float[m * stride];
        float[] groupSums = new float[m * p.groups];
        for (int i = 0; i < m; i++) {
            for (int g = 0; g < p.groups; g++) {
                int from = g * p.groupWidth;
                int n = Math.min(p.groupWidth, p.cols - from);
                System.arraycopy(x, i * p.cols + from, xp, i * stride + g * p.paddedGroupWidth, n);
                float s = 0;
                for (int j = 0; j < n; j++) {
                    s += x[i * p.cols + from + j];
                }
                groupSums[i * p.groups + g] = s;
            }
        }
        float[] y = new float[m * p.rows];
        int tasks = (p.rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream range = IntStream.range(0, tasks);
        if ((long) p.rows * p.cols * m >= PARALLEL_MIN_WEIGHTS && tasks > 1) {
            range = range.parallel();
        }
        range.forEach(t -> {
            int from = t * ROWS_PER_TASK;
            int to = Math.min(p.rows, from + ROWS_PER_TASK);
            if (m == 1) {
                for (int r = from; r < to; r++) {
                    y[r] = fusedRow(p, r, xp, groupSums);
                }
            } else {
                float[] row = new float[stride];
                for (int r = from; r < to; r++) {
                    dequantizeRow(p, r, row);
                    for (int i = 0; i < m; i++) {
                        y[i * p.rows + r] = dot(row, xp, i * stride, stride);
                    }
                }
            }
        });
        return y;
    }

    /** One output of a single input row, codes unpacked in registers. */
    private static float fusedRow(PackedIntWeights p, int r, float[] xp, float[] groupSums) {
        int lanes = p.lanes;
        int mask = (1 << p.bits) - 1;
        int columnsPerLane = p.paddedGroupWidth / lanes;
        FloatVector acc = FloatVector.zero(FLOATS);
        float zeroTerm = 0;
        for (int g = 0; g < p.groups; g++) {
            FloatVector groupAcc = FloatVector.zero(FLOATS);
            int xBase = g * p.paddedGroupWidth;
            for (int w = 0; w < p.wordRowsPerGroup; w++) {
                IntVector words = IntVector.fromArray(INTS, p.words, p.wordIndex(r, g, w));
                int fields = Math.min(p.fieldsPerWord, columnsPerLane - w * p.fieldsPerWord);
                int xOff = xBase + w * p.fieldsPerWord * lanes;
                for (int f = 0; f < fields; f++) {
                    FloatVector q = (FloatVector) words.lanewise(VectorOperators.LSHR, f * p.bits).and(mask)
                            .convert(VectorOperators.I2F, 0);
                    groupAcc = q.fma(FloatVector.fromArray(FLOATS, xp, xOff + f * lanes), groupAcc);
                }
            }
            float s = p.scales[r * p.groups + g];
            acc = groupAcc.fma(FloatVector.broadcast(FLOATS, s), acc);
            zeroTerm += s * p.zero(r, g) * groupSums[g];
        }
        return acc.reduceLanes(VectorOperators.ADD) - zeroTerm;
    }

    /** Row r dequantized into the padded group layout ((q - z) s, padding included). */
    static void dequantizeRow(PackedIntWeights p, int r, float[] out) {
        int lanes = p.lanes;
        int mask = (1 << p.bits) - 1;
        int columnsPerLane = p.paddedGroupWidth / lanes;
        for (int g = 0; g < p.groups; g++) {
            FloatVector s = FloatVector.broadcast(FLOATS, p.scales[r * p.groups + g]);
            FloatVector z = FloatVector.broadcast(FLOATS, p.zero(r, g));
            int base = g * p.paddedGroupWidth;
            for (int w = 0; w < p.wordRowsPerGroup; w++) {
                IntVector words = IntVector.fromArray(INTS, p.words, p.wordIndex(r, g, w));
                int fields = Math.min(p.fieldsPerWord, columnsPerLane - w * p.fieldsPerWord);
                for (int f = 0; f < fields; f++) {
                    FloatVector q = (FloatVector) words.lanewise(VectorOperators.LSHR, f * p.bits).and(mask)
                            .convert(VectorOperators.I2F, 0);
                    q.sub(z).mul(s).intoArray(out, base + (w * p.fieldsPerWord + f) * lanes);
                }
            }
        }
    }

    private static float dot(float[] a, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(FLOATS);
        int lanes = FLOATS.length();
        for (int i = 0; i < n; i += lanes) {
            acc = FloatVector.fromArray(FLOATS, a, i).fma(FloatVector.fromArray(FLOATS, b, bOff + i), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
