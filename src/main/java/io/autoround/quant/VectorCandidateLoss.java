package io.autoround.quant;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CandidateLoss} with the Vector API. The lanes hold candidates, not elements: every lane walks the group's
 * elements in the scalar order and accumulates its own double sum, so each loss is bit-identical to
 * {@link CandidateLoss#scalarLoss} (summing elements across lanes would reorder the double additions). All other
 * steps are elementwise IEEE float operations, which the Vector API performs exactly as scalar Java does.
 * A batch of candidates stops early once all its partial sums exceed the best loss known (the bound or a finished
 * candidate's loss): with non-negative terms a partial sum never exceeds the final one.
 */
final class VectorCandidateLoss implements CandidateLoss {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same vector size: one float vector widens into two of them (parts 0 and 1). */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** Ints of the same vector size, for the bf16 rounding on the float bits. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude < 2^22 to an integer, half to even. */
    private static final float RINT_MAGIC = 12582912f;

    /** Elements between two checks whether a whole batch of candidates is already out of the running. */
    private static final int CHECK_EVERY = 16;

    @Override
    public void losses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int from, int to, int nmax,
            Precision p, double bound, double[] out) {
        // Precision.round per lane as in HalfFloats.toBf16Bits (finite values): bits + 0x7FFF + lowest kept bit, low
        // half cleared; for FP32 the same integer steps with zero constants and a full mask leave the bits alone.
        // Written out inline below: a vector helper method that C2 does not inline costs boxed vectors.
        boolean bf16 = p == Precision.BF16;
        IntVector lsb = IntVector.broadcast(I, bf16 ? 1 : 0);
        IntVector roundUp = IntVector.broadcast(I, bf16 ? 0x7FFF : 0);
        IntVector keep = IntVector.broadcast(I, bf16 ? 0xFFFF0000 : -1);
        float lo = -nmax;
        float hi = nmax - 1;
        int half = D.length();
        // partial sums only grow when no term is negative; otherwise they prove nothing and every loss runs in full
        boolean stopEarly = bound < Double.POSITIVE_INFINITY && CandidateLoss.nonNegative(qw, n);
        double best = stopEarly ? bound : Double.POSITIVE_INFINITY;
        for (int b = from; b < to; b += F.length()) {
            VectorMask<Float> m = F.indexInRange(b - from, to - from);
            VectorMask<Double> inLo = D.indexInRange(b - from, to - from);
            VectorMask<Double> inHi = D.indexInRange(b + half - from, to - from);
            // +inf on the lanes past the last candidate, so that they never hold the batch in the running
            DoubleVector padLo = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY).blend(0.0, inLo);
            DoubleVector padHi = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY).blend(0.0, inHi);
            // masked-off lanes load 0 for iscale and scale: finite losses that are never stored
            FloatVector is = FloatVector.fromArray(F, iscale, b, m);
            FloatVector sc = FloatVector.fromArray(F, scale, b, m);
            // two accumulators (the low and high half of the lanes) also hide the latency of the double adds
            DoubleVector accLo = DoubleVector.zero(D);
            DoubleVector accHi = DoubleVector.zero(D);
            for (int i0 = 0; i0 < n; i0 += CHECK_EVERY) {
                for (int i = i0, end = Math.min(n, i0 + CHECK_EVERY); i < end; i++) {
                    FloatVector xv = FloatVector.broadcast(F, x[i]);
                    // l = clamp(rint(round(iscale * x))): clamping first equals clamping after rint (integer bounds,
                    // rint monotone); only the sign of a zero code can differ, which changes no loss term
                    IntVector v = is.mul(xv).reinterpretAsInts();
                    v = v.add(v.lanewise(VectorOperators.LSHR, 16).and(lsb).add(roundUp)).and(keep);
                    FloatVector l = v.reinterpretAsFloats().max(lo).min(hi).add(RINT_MAGIC).sub(RINT_MAGIC);
                    // d = round(round(scale * l) - x)
                    v = sc.mul(l).reinterpretAsInts();
                    v = v.add(v.lanewise(VectorOperators.LSHR, 16).and(lsb).add(roundUp)).and(keep);
                    v = v.reinterpretAsFloats().sub(xv).reinterpretAsInts();
                    v = v.add(v.lanewise(VectorOperators.LSHR, 16).and(lsb).add(roundUp)).and(keep);
                    FloatVector d = v.reinterpretAsFloats();
                    // qw * (d * d): float products commute exactly
                    FloatVector t = d.mul(d).mul(qw[i]);
                    accLo = accLo.add(t.convertShape(VectorOperators.F2D, D, 0));
                    accHi = accHi.add(t.convertShape(VectorOperators.F2D, D, 1));
                }
                // every candidate of the batch already above the best loss: none of them can win
                if (accLo.add(padLo).min(accHi.add(padHi)).reduceLanes(VectorOperators.MIN) > best) {
                    break;
                }
            }
            accLo.intoArray(out, b, inLo);
            accHi.intoArray(out, b + half, inHi);
            for (int k = b; stopEarly && k < Math.min(to, b + F.length()); k++) {
                best = out[k] < best ? out[k] : best;
            }
        }
    }
}
