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
 */
final class VectorCandidateLoss implements CandidateLoss {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same vector size: one float vector widens into two of them (parts 0 and 1). */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude < 2^22 to an integer, half to even. */
    private static final float RINT_MAGIC = 12582912f;

    @Override
    public void losses(float[] x, float[] qw, int n, float[] iscale, float[] scale, int count, int nmax, Precision p,
            double[] out) {
        boolean bf16 = p == Precision.BF16;
        int half = D.length();
        for (int b = 0; b < count; b += F.length()) {
            VectorMask<Float> m = F.indexInRange(b, count);
            // masked-off lanes load 0 for iscale and scale: finite losses that are never stored
            FloatVector is = FloatVector.fromArray(F, iscale, b, m);
            FloatVector sc = FloatVector.fromArray(F, scale, b, m);
            // two accumulators (the low and high half of the lanes) also hide the latency of the double adds
            DoubleVector lo = DoubleVector.zero(D);
            DoubleVector hi = DoubleVector.zero(D);
            for (int i = 0; i < n; i++) {
                FloatVector t = term(FloatVector.broadcast(F, x[i]), qw[i], is, sc, nmax, bf16);
                lo = lo.add(t.convertShape(VectorOperators.F2D, D, 0));
                hi = hi.add(t.convertShape(VectorOperators.F2D, D, 1));
            }
            lo.intoArray(out, b, D.indexInRange(b, count));
            hi.intoArray(out, b + half, D.indexInRange(b + half, count));
        }
    }

    /** {@code qw * d^2} of one element for a vector of candidates, as in {@link CandidateLoss#scalarLoss}. */
    private static FloatVector term(FloatVector x, float qw, FloatVector iscale, FloatVector scale, int nmax,
            boolean bf16) {
        // clamp before rint: with integer bounds it equals rint then clamp (rint is monotone and fixes integers);
        // only the sign of a zero code can differ, which changes no loss term
        FloatVector l = round(iscale.mul(x), bf16).max(-nmax).min(nmax - 1).add(RINT_MAGIC).sub(RINT_MAGIC);
        FloatVector d = round(round(scale.mul(l), bf16).sub(x), bf16);
        return d.mul(d).mul(qw); // float products commute exactly: the scalar qw * (d * d)
    }

    /** {@link Precision#round} per lane: bf16 round-half-even of finite values (HalfFloats.toBf16Bits). */
    private static FloatVector round(FloatVector v, boolean bf16) {
        if (!bf16) {
            return v;
        }
        IntVector bits = v.reinterpretAsInts();
        IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF)).lanewise(VectorOperators.AND, -65536);
        return rounded.reinterpretAsFloats();
    }
}
