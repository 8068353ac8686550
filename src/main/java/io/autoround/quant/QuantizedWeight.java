package io.autoround.quant;

/**
 * A quantized Linear weight of shape [rows = out_features, cols = in_features], as produced by tuning or RTN and
 * consumed by the exporters and the inference backends. The layout is independent of any packing format.
 *
 * <p>Meaning of the arrays by data type family:
 * <ul>
 *   <li>{@code int} (sym and asym): {@code codes[r * cols + c]} is the unsigned stored level in [0, 2^bits);
 *       {@code scales[r * groups + g]} are fp16-representable floats; {@code zeros[r * groups + g]} is the
 *       unsigned zero point (2^(bits-1) for symmetric); value = (code - zero) * scale.</li>
 *   <li>{@code mx_fp}: codes are the element bit patterns (E2M1 for 4 bits, E4M3 for 8); scales are the shared
 *       power-of-two block scales 2^e (E8M0); zeros is null; value = decode(code) * scale.</li>
 *   <li>{@code nv_fp}: codes are E2M1 bit patterns; scales are the E4M3 block scale values (as floats);
 *       {@code globalScale} is the fp32 global scale; value = decode(code) * scale / globalScale.</li>
 *   <li>{@code fp} (FP8): codes are E4M3 bytes; scales per tensor, per row, or per 2-D block (FP8_BLOCK, row-major
 *       over [ceil(rows / blockRows), ceil(cols / groupSize)]).</li>
 *   <li>{@code int_asym_float_zp} (GGUF Q4_1/Q5_1): codes in [0, 2^bits); scales and {@code mins} are fp16 values;
 *       zeros is null; value = code * scale + min.</li>
 * </ul>
 * Here {@code groups = scheme.groupsPerRow(cols)} (1 for per-row and per-tensor; per-tensor has a single scale).
 *
 * @param name the layer name, e.g. {@code model.layers.0.self_attn.q_proj}
 * @param rows out_features
 * @param cols in_features
 * @param scheme the scheme the weight was quantized with
 * @param codes stored element codes, row-major [rows * cols]
 * @param scales group scales
 * @param zeros group zero points (int family), or null
 * @param globalScale NVFP4 global scale, or NaN when the family has none
 * @param mins per-group float minimum of {@code int_asym_float_zp}, else null
 */
public record QuantizedWeight(String name, int rows, int cols, QuantScheme scheme, int[] codes, float[] scales,
        int[] zeros, float globalScale, float[] mins) {

    /** A weight without float minimums (every family but {@code int_asym_float_zp}). */
    public QuantizedWeight(String name, int rows, int cols, QuantScheme scheme, int[] codes, float[] scales,
            int[] zeros, float globalScale) {
        this(name, rows, cols, scheme, codes, scales, zeros, globalScale, null);
    }

    public QuantizedWeight {
        if (codes.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": codes length " + codes.length + " != " + rows + "x" + cols);
        }
    }

    /**
     * Index into {@link #scales()} of element (r, c): per tensor 0; 2-D blocks {@code (r / blockRows) * groups +
     * c / groupSize}; else {@code r * groups + c / groupWidth}.
     */
    public int scaleIndex(int r, int c) {
        if (scales.length == 1) {
            return 0;
        }
        int row = scheme.blocks2d() ? r / scheme.blockRows() : r;
        return row * groupsPerRow() + c / groupWidth();
    }

    /** Groups along the input dimension. */
    public int groupsPerRow() {
        return scheme.groupsPerRow(cols);
    }

    /** Input channels per group (cols for per-row and per-tensor). */
    public int groupWidth() {
        return scheme.groupSize() > 0 ? scheme.groupSize() : cols;
    }
}
