package io.autoround.quant;

import io.autoround.quant.scheme.DataTypes;

/**
 * Entry point: quant-dequant one Linear weight with a resolved scheme, dispatching to the data type family
 * ({@link IntQuantizer}, {@link IntScaleSearch}, {@link MxQuantizer}, {@link NvFp4Quantizer},
 * {@link Fp8Quantizer}, {@link Fp8BlockQuantizer}, {@link FpOptimizedRtn}, {@link GgufKQuantizer}).
 */
public final class WeightQuantizer {

    private WeightQuantizer() {
    }

    /**
     * Quantise {@code w} (row-major [rows = out_features, cols = in_features]).
     *
     * @throws IllegalArgumentException for a full-precision scheme or bad shapes
     * @throws UnsupportedOperationException for data types this class does not implement (GGUF double-quant,
     *     MX-INT, NVFP4_E5M3, FP8 E5M2)
     */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        if (scheme.keepsFullPrecision()) {
            throw new IllegalArgumentException(name + ": scheme keeps full precision (bits " + scheme.bits()
                    + "), nothing to quantise");
        }
        String dt = scheme.dataType().toLowerCase();
        if (DataTypes.isPlainInt(dt)) {
            boolean sym = scheme.sym() && !dt.equals("int_asym");
            if (sym && opts.optimizedRtn() && opts.tuning().isNone()) {
                return IntScaleSearch.quantize(name, w, rows, cols, scheme, opts);
            }
            // Asymmetric INT never uses the opt-RTN search in the reference (reference-spec 1.14).
            return IntQuantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        if (dt.equals(GgufKQuantizer.ASYM) || dt.equals(GgufKQuantizer.SYM)) {
            return GgufKQuantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        if (dt.equals(FloatZeroPointQuantizer.DATA_TYPE)) {
            return FloatZeroPointQuantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        if (DataTypes.isMxFp(dt)) {
            return opts.optimizedRtn() && opts.tuning().isNone()
                    ? FpOptimizedRtn.mx(name, w, rows, cols, scheme, opts)
                    : MxQuantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        if (DataTypes.isNvFp(dt)) {
            return opts.optimizedRtn() && opts.tuning().isNone()
                    ? FpOptimizedRtn.nvfp4(name, w, rows, cols, scheme, opts)
                    : NvFp4Quantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        if (dt.equals("fp") || dt.equals("fp8") || dt.equals("fp8_sym") || dt.equals("fp8_e4m3")) {
            return scheme.blocks2d() ? Fp8BlockQuantizer.quantize(name, w, rows, cols, scheme, opts)
                    : Fp8Quantizer.quantize(name, w, rows, cols, scheme, opts);
        }
        throw new UnsupportedOperationException(name + ": data_type '" + scheme.dataType()
                + "' is not implemented by WeightQuantizer (supported: int, int_asym_float_zp, mx_fp, nv_fp, fp8 e4m3)");
    }
}
