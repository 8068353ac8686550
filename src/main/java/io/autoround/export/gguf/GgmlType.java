package io.autoround.export.gguf;

/**
 * The ggml tensor types this project writes and reads, with their ids and block geometry (ggml
 * {@code GGML_QUANT_SIZES}; reference-spec 2.8 and 3.7).
 */
public enum GgmlType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q4_1(3, 32, 20), Q5_0(6, 32, 22), Q5_1(7, 32, 24),
    Q8_0(8, 32, 34), Q2_K(10, 256, 84), Q3_K(11, 256, 110), Q4_K(12, 256, 144), Q5_K(13, 256, 176), Q6_K(14, 256, 210), BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    /** Elements per block (1 for the float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** True for the k-quant types (256-element super-blocks). */
    public boolean isKQuant() {
        return blockSize == 256;
    }

    /** True for the block-quantized types. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes of a tensor of {@code numel} elements; the innermost dimension must be a multiple of the block. */
    public long bytesFor(long numel) {
        if (numel % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + numel);
        }
        return numel / blockSize * blockBytes;
    }

    /** The type with ggml id {@code id}; ids this project does not handle fail naming the id. */
    public static GgmlType ofId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new GgufFormatException("ggml tensor type " + id + " is not supported (supported: F32, F16, BF16, "
                + "Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)");
    }
}
