package io.autoround.export;

/**
 * The GPTQ-family int32 bit packing: {@code count} values of {@code bits} bits laid out as one little-endian bit
 * stream (value i at stream bits [i*bits, i*bits+bits)), so 3-bit values straddle word boundaries exactly as the
 * reference's 3-bit packer does. Words are built by <em>wrapping summation</em> of shifted values, like the
 * reference: a negative value (a GPTQ v1 zero point of -1) borrows from the fields above it, as it does there.
 */
public final class Int32BitStream {
    private Int32BitStream() {}

    /** Number of int32 words for {@code count} values. */
    public static int words(int count, int bits) {
        return (int) (((long) count * bits + 31) / 32);
    }

    /**
     * Packs {@code count} values read from {@code src[srcOff + i*srcStride]} into words written to
     * {@code dst[dstOff + w*dstStride]}.
     */
    public static void pack(int[] src, int srcOff, int srcStride, int count, int bits,
            int[] dst, int dstOff, int dstStride) {
        int mask = (1 << bits) - 1;
        int nWords = words(count, bits);
        for (int w = 0; w < nWords; w++) {
            dst[dstOff + w * dstStride] = 0;
        }
        for (int i = 0; i < count; i++) {
            int v = src[srcOff + i * srcStride];
            long bit = (long) i * bits;
            int w = (int) (bit >>> 5);
            int shift = (int) (bit & 31);
            dst[dstOff + w * dstStride] += v << shift;
            int spill = shift + bits - 32;
            if (spill > 0) {
                // the high part of a straddling value, masked to the bits that did not fit (as the reference does)
                dst[dstOff + (w + 1) * dstStride] += (v >> (bits - spill)) & (mask >>> (bits - spill));
            }
        }
    }

    /** Inverse of {@link #pack}: extracts unsigned fields (no borrow correction, like the reference loaders). */
    public static void unpack(int[] src, int srcOff, int srcStride, int count, int bits,
            int[] dst, int dstOff, int dstStride) {
        long mask = (1L << bits) - 1;
        for (int i = 0; i < count; i++) {
            long bit = (long) i * bits;
            int w = (int) (bit >>> 5);
            int shift = (int) (bit & 31);
            long lo = src[srcOff + w * srcStride] & 0xFFFFFFFFL;
            long field = lo >>> shift;
            if (shift + bits > 32) {
                long hi = src[srcOff + (w + 1) * srcStride] & 0xFFFFFFFFL;
                field |= hi << (32 - shift);
            }
            dst[dstOff + i * dstStride] = (int) (field & mask);
        }
    }
}
