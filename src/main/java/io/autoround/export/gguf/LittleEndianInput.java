package io.autoround.export.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Sequential little-endian reader over a mapped file, with bounds reported as format errors. */
final class LittleEndianInput {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private final String file;
    private long pos;

    LittleEndianInput(MemorySegment seg, String file) {
        this.seg = seg;
        this.file = file;
    }

    long position() {
        return pos;
    }

    private long take(long n) {
        if (n < 0 || pos + n > seg.byteSize()) {
            throw new GgufFormatException(file + ": truncated GGUF file (need " + n + " bytes at offset " + pos
                    + ", size " + seg.byteSize() + ")");
        }
        long p = pos;
        pos += n;
        return p;
    }

    byte u8() {
        return seg.get(ValueLayout.JAVA_BYTE, take(1));
    }

    short u16() {
        return seg.get(SHORT, take(2));
    }

    int u32() {
        return seg.get(INT, take(4));
    }

    long u64() {
        return seg.get(LONG, take(8));
    }

    String string() {
        long n = u64();
        if (n > Integer.MAX_VALUE) {
            throw new GgufFormatException(file + ": string length " + n + " at offset " + pos + " is implausible");
        }
        long p = take(n);
        return new String(seg.asSlice(p, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
