package io.autoround.export.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Little-endian primitive writer with a byte count, for the GGUF header. */
final class LittleEndianOutput {
    private final OutputStream out;
    private long written;

    LittleEndianOutput(OutputStream out) {
        this.out = out;
    }

    long written() {
        return written;
    }

    void bytes(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written += b.length;
    }

    void u8(int v) {
        bytes(new byte[] {(byte) v});
    }

    void u16(int v) {
        bytes(new byte[] {(byte) v, (byte) (v >>> 8)});
    }

    void u32(long v) {
        bytes(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    void u64(long v) {
        u32(v);
        u32(v >>> 32);
    }

    /** GGUF string: uint64 byte length, then UTF-8 bytes without terminator. */
    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        bytes(b);
    }

    void zeros(long n) {
        bytes(new byte[Math.toIntExact(n)]);
    }
}
