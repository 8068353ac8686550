package io.autoround.quant;

/**
 * A resolved quantization scheme for one layer, with the reference's field names (reference-spec 2.1).
 *
 * @param bits weight bits (2..8 for int, 4/8 for fp families, 16 = not quantized)
 * @param groupSize input channels per group; -1 = one group per output row; 0 = one group per tensor
 * @param sym symmetric (no zero point) or asymmetric
 * @param dataType family name: "int", "mx_fp", "nv_fp", "fp", "mx_int", "int_asym_dq", ...
 * @param actBits activation bits (16 = activations not quantized)
 * @param actGroupSize activation group size
 * @param actSym activation symmetry
 * @param actDataType activation data type name ("float" when not quantized)
 * @param actDynamic dynamic activation quantization
 * @param superBits GGUF double-quant super-block scale bits, or null
 * @param superGroupSize GGUF super-group size, or null
 * @param blockRows rows of a 2-D weight block (the reference's tuple group_size {@code (blockRows, groupSize)},
 *     FP8_BLOCK's (128, 128)); 0 for 1-D groups
 */
public record QuantScheme(int bits, int groupSize, boolean sym, String dataType, int actBits, int actGroupSize,
        boolean actSym, String actDataType, boolean actDynamic, Integer superBits, Integer superGroupSize,
        int blockRows) {

    public QuantScheme {
        if (blockRows < 0 || (blockRows > 0 && groupSize <= 0)) {
            throw new IllegalArgumentException("a 2-D block group_size needs positive sizes, got (" + blockRows + ", "
                    + groupSize + ")");
        }
    }

    /** A scheme with 1-D groups (every scheme but FP8_BLOCK). */
    public QuantScheme(int bits, int groupSize, boolean sym, String dataType, int actBits, int actGroupSize,
            boolean actSym, String actDataType, boolean actDynamic, Integer superBits, Integer superGroupSize) {
        this(bits, groupSize, sym, dataType, actBits, actGroupSize, actSym, actDataType, actDynamic, superBits,
                superGroupSize, 0);
    }

    /** True for 2-D weight blocks of {@code blockRows x groupSize} (group_size given as a tuple). */
    public boolean blocks2d() {
        return blockRows > 0;
    }

    /** Block rows along the output dimension for a weight with {@code rows} output channels (1 for 1-D groups). */
    public int blockRowsFor(int rows) {
        return blocks2d() ? (rows + blockRows - 1) / blockRows : 1;
    }

    /** Weight-only int scheme (activations stay 16-bit). */
    public static QuantScheme weightOnlyInt(int bits, int groupSize, boolean sym) {
        return new QuantScheme(bits, groupSize, sym, "int", 16, groupSize, sym, "float", true, null, null);
    }

    /** The scheme of a layer kept in 16-bit float (written as {"bits": 16, "data_type": "float"} by exporters). */
    public static QuantScheme fullPrecision() {
        return new QuantScheme(16, 128, true, "float", 16, 128, true, "float", true, null, null);
    }

    /** True when this scheme leaves weights unquantized (bits >= 16). */
    public boolean keepsFullPrecision() {
        return bits >= 16;
    }

    /**
     * Number of groups along the input dimension for a weight with {@code cols} input channels. When
     * {@code cols} is not a multiple of the group size the reference zero-pads the last group, so this is
     * {@code ceil(cols / groupSize)} (and 1 when {@code cols <= groupSize}).
     */
    public int groupsPerRow(int cols) {
        if (groupSize <= 0) {
            return 1;
        }
        return (cols + groupSize - 1) / groupSize;
    }
}
