package io.autoround.quant;

/**
 * Test-side unpacking of the GPTQ-style tensors of reference-spec 3.3 (qweight packed along K, qzeros along N,
 * 2/4/8-bit plain and the 3-bit cross-word layout), written from the spec to check quantizer output against the
 * golden exports independently of the project's packers.
 */
final class GptqUnpack {

    private GptqUnpack() {
    }

    /** Unpack {@code count} values of {@code bits} bits from a column of words (word(r) at words[r*stride+col]). */
    static int[] unpackColumn(int[] words, int stride, int col, int bits, int count) {
        int[] out = new int[count];
        if (bits == 3) {
            for (int blk = 0; blk < count / 32; blk++) {
                long w0 = words[(3 * blk) * stride + col] & 0xFFFFFFFFL;
                long w1 = words[(3 * blk + 1) * stride + col] & 0xFFFFFFFFL;
                long w2 = words[(3 * blk + 2) * stride + col] & 0xFFFFFFFFL;
                // The three words form one 96-bit little-endian string of 32 consecutive 3-bit values.
                java.math.BigInteger all = java.math.BigInteger.valueOf(w2).shiftLeft(64)
                        .or(java.math.BigInteger.valueOf(w1).shiftLeft(32)).or(java.math.BigInteger.valueOf(w0));
                for (int j = 0; j < 32; j++) {
                    out[blk * 32 + j] = all.shiftRight(3 * j).intValue() & 7;
                }
            }
            return out;
        }
        int per = 32 / bits;
        int mask = (1 << bits) - 1;
        for (int k = 0; k < count; k++) {
            int word = words[(k / per) * stride + col];
            out[k] = (word >>> ((k % per) * bits)) & mask;
        }
        return out;
    }

    /** Codes [N, K] (row-major) from qweight [K*bits/32, N]. */
    static int[] codes(int[] qweight, int n, int k, int bits) {
        int[] out = new int[n * k];
        for (int col = 0; col < n; col++) {
            int[] c = unpackColumn(qweight, n, col, bits, k);
            System.arraycopy(c, 0, out, col * k, k);
        }
        return out;
    }

    /** Stored zero fields [groups, N] from qzeros [groups, N*bits/32] (packed along N). */
    static int[] zeros(int[] qzeros, int groups, int n, int bits) {
        int words = n * bits / 32;
        int[] out = new int[groups * n];
        for (int g = 0; g < groups; g++) {
            int[] row = new int[words];
            System.arraycopy(qzeros, g * words, row, 0, words);
            int[] z = unpackColumn(row, 1, 0, bits, n);
            System.arraycopy(z, 0, out, g * n, n);
        }
        return out;
    }
}
