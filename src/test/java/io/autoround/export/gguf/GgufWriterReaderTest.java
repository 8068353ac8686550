package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GGUF v3 round trip: header bytes, every value type, tensor infos in ggml order, alignment and data. */
class GgufWriterReaderTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsMetadataTensorsAndPadding() throws Exception {
        Path file = tmp.resolve("m.gguf");
        GgufWriter w = new GgufWriter(file);
        w.put("u8", new GgufValue(GgufValueType.UINT8, null, 200L));
        w.put("i8", new GgufValue(GgufValueType.INT8, null, -5L));
        w.put("u16", new GgufValue(GgufValueType.UINT16, null, 65000L));
        w.put("i16", new GgufValue(GgufValueType.INT16, null, -300L));
        w.put("u32", GgufValue.uint32(4_000_000_000L));
        w.put("i32", GgufValue.int32(-7));
        w.put("f32", GgufValue.float32(1e-6f));
        w.put("bool", GgufValue.bool(true));
        w.put("str", GgufValue.string("héllo"));
        w.put("u64", GgufValue.uint64(1L << 40));
        w.put("i64", new GgufValue(GgufValueType.INT64, null, -(1L << 40)));
        w.put("f64", new GgufValue(GgufValueType.FLOAT64, null, Math.PI));
        w.put("arr.s", GgufValue.array(GgufValueType.STRING, List.of("a b", "", "Ġx")));
        w.put("arr.i", GgufValue.array(GgufValueType.INT32, List.of(1L, -2L, 3L)));
        w.put("arr.f", GgufValue.array(GgufValueType.FLOAT32, List.of(0.5f, -1f)));
        byte[] f32 = GgmlBlockCodec.packFloats(GgmlType.F32, new float[] {1, 2, 3}); // 12 bytes: padding follows
        w.addTensor("norm", new long[] {3}, GgmlType.F32, f32);
        int[] levels = new int[64];
        Arrays.setAll(levels, i -> i % 16);
        byte[] q4 = GgmlBlockCodec.pack(GgmlType.Q4_0, levels, new float[] {1f, 2f}, null);
        w.addTensor("blk.0.attn_q.weight", new long[] {2, 32}, GgmlType.Q4_0, q4);
        byte[] bf = GgmlBlockCodec.packFloats(GgmlType.BF16, new float[] {1, 2, 3, 4, 5, 6});
        w.addTensor("e", new long[] {3, 2}, GgmlType.BF16, bf);
        assertEquals(file.toAbsolutePath(), w.finish());

        byte[] raw = Files.readAllBytes(file);
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("GGUF", new String(raw, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(3, h.getInt(4));
        assertEquals(3L, h.getLong(8));
        assertEquals(15L, h.getLong(16));
        assertEquals(2L, h.getLong(24)); // first key length "u8"
        assertEquals(0, h.getInt(34));   // UINT8 type id
        assertEquals((byte) 200, raw[38]);

        try (GgufReader r = GgufReader.open(file)) {
            assertEquals(3, r.version());
            assertEquals(15, r.metadata().size());
            assertEquals(List.of("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "u64", "i64", "f64",
                    "arr.s", "arr.i", "arr.f"), List.copyOf(r.metadata().keySet()));
            assertEquals(200L, r.get("u8").orElseThrow().asLong());
            assertEquals(-5L, r.get("i8").orElseThrow().asLong());
            assertEquals(65000L, r.get("u16").orElseThrow().asLong());
            assertEquals(-300L, r.get("i16").orElseThrow().asLong());
            assertEquals(4_000_000_000L, r.get("u32").orElseThrow().asLong());
            assertEquals(-7L, r.get("i32").orElseThrow().asLong());
            assertEquals(1e-6f, (Float) r.get("f32").orElseThrow().value());
            assertEquals(true, r.get("bool").orElseThrow().value());
            assertEquals("héllo", r.get("str").orElseThrow().asString());
            assertEquals(1L << 40, r.get("u64").orElseThrow().asLong());
            assertEquals(-(1L << 40), r.get("i64").orElseThrow().asLong());
            assertEquals(Math.PI, r.get("f64").orElseThrow().asDouble());
            assertEquals(List.of("a b", "", "Ġx"), r.get("arr.s").orElseThrow().asList());
            assertEquals(GgufValueType.INT32, r.get("arr.i").orElseThrow().elementType());
            assertEquals(List.of(1L, -2L, 3L), r.get("arr.i").orElseThrow().asList());
            assertEquals(List.of(0.5f, -1f), r.get("arr.f").orElseThrow().asList());

            assertEquals(0, r.dataStart() % 32);
            GgufTensorInfo q = r.tensor("blk.0.attn_q.weight");
            assertArrayEquals(new long[] {32, 2}, q.dims());
            assertEquals(GgmlType.Q4_0, q.type());
            assertEquals(32, q.offset()); // 12 bytes of F32 padded to 32
            assertArrayEquals(new long[] {2, 3}, r.tensor("e").dims());
            assertEquals(96, r.tensor("e").offset()); // Q4_0 at 32 takes 36 bytes, next boundary 96
            assertArrayEquals(f32, r.bytes(r.tensor("norm")));
            assertArrayEquals(q4, r.bytes(q));
            float[] x = r.dequantize(q);
            assertEquals(-8f, x[0]);
            assertEquals(2f * (47 % 16 - 8), x[47]);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.dequantize(r.tensor("e")));
            assertEquals(raw.length, r.dataStart() + 96 + 32); // the last tensor (12 bytes) is padded too
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(file.getFileName()), s.map(Path::getFileName).toList(), "no temporary files left");
        }
    }

    @Test
    void badFilesAndBadTensorsAreRefused() throws Exception {
        Path notGguf = tmp.resolve("x.gguf");
        Files.write(notGguf, new byte[] {'G', 'G', 'M', 'L', 3, 0, 0, 0});
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.open(notGguf));
        assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());

        Path good = tmp.resolve("g.gguf");
        GgufWriter w = new GgufWriter(good);
        w.put("general.name", GgufValue.string("x"));
        w.addTensor("t", new long[] {4}, GgmlType.F32, new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("u", new long[] {4}, GgmlType.F32, new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", new long[] {2, 16}, GgmlType.Q4_0, new byte[18]));
        w.finish();
        byte[] all = Files.readAllBytes(good);
        Path truncated = tmp.resolve("t.gguf");
        Files.write(truncated, Arrays.copyOf(all, all.length - 20));
        e = assertThrows(GgufFormatException.class, () -> GgufReader.open(truncated));
        assertTrue(e.getMessage().contains("t.gguf") && e.getMessage().contains("past the end"), e.getMessage());
        // A tensor of a type this project does not read (ggml type 15, Q8_K) is named with the file and the tensor.
        byte[] kq = all.clone();
        int typePos = indexOf(kq, "t".getBytes()) + 1 + 4 + 8;
        kq[typePos] = 15;
        Path kFile = tmp.resolve("k.gguf");
        Files.write(kFile, kq);
        e = assertThrows(GgufFormatException.class, () -> GgufReader.open(kFile));
        assertTrue(e.getMessage().contains("k.gguf") && e.getMessage().contains("tensor t")
                && e.getMessage().contains("type 15"), e.getMessage());
    }

    /** Position of the tensor-info name "t" (length prefix 1) after the metadata. */
    private static int indexOf(byte[] data, byte[] name) {
        for (int i = data.length - 1 - 8; i >= 0; i--) {
            if (data[i] == 1 && data[i + 1] == 0 && data[i + 7] == 0 && data[i + 8] == name[0]) {
                return i + 8;
            }
        }
        throw new AssertionError("tensor info not found");
    }
}
