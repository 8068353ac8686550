package io.autoround.export.gguf;

/**
 * A tensor entry of a GGUF file.
 *
 * @param name tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims dimensions in ggml order (innermost first: {@code [cols, rows]} for a row-major matrix)
 * @param type element type
 * @param offset byte offset of the data relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Data size in bytes. */
    public long byteSize() {
        return type.bytesFor(numel());
    }

    /** ggml dims from a row-major (PyTorch-order) shape: the order is reversed. */
    public static long[] ggmlDims(long[] rowMajorShape) {
        long[] d = new long[rowMajorShape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = rowMajorShape[rowMajorShape.length - 1 - i];
        }
        return d;
    }
}
