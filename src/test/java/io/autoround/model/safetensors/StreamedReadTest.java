package io.autoround.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autoround.testutil.SharedData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block-streaming read path: per-tensor mappings and off-heap widening give exactly the eager values. */
class StreamedReadTest {
    @TempDir
    Path tmp;

    @Test
    void perTensorMappingReadsTheSameBytesAsTheWholeFileMapping() {
        for (String model : List.of("tiny-qwen3-12m", "stories260k-hf")) {
            try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(SharedData.model(model))) {
                for (TensorInfo t : c.tensors()) {
                    byte[] viaWithData = c.withData(t.name(), s -> s.toArray(ValueLayout.JAVA_BYTE));
                    assertArrayEquals(c.readBytes(t.name()), viaWithData, model + " " + t.name());
                }
                assertThrows(IllegalArgumentException.class, () -> c.withData("no.such.weight", s -> 0));
            }
        }
    }

    @Test
    void emptyTensorsAreReadWithoutMapping() {
        Path f = tmp.resolve("m.safetensors");
        SafetensorsWriter.write(f, null, List.of(TensorData.ofFloats("empty", new long[] {0, 4}, new float[0], DType.F32),
                TensorData.ofFloats("w", new long[] {2}, new float[] {1.5f, -2f}, DType.BF16)));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(0L, (long) file.withData("empty", MemorySegment::byteSize));
            assertArrayEquals(new float[] {1.5f, -2f}, file.withData("w", s -> ElementCodec.toFloats(s, DType.BF16, 2)));
        }
    }

    @Test
    void widenIntoMatchesToFloatsForEveryFloatingDtype() {
        Random r = new Random(5);
        int n = 1000;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6) - 3));
        }
        values[0] = Float.NaN;
        values[1] = -0f;
        for (DType d : new DType[] {DType.F32, DType.BF16, DType.F16, DType.F8_E4M3, DType.F8_E5M2, DType.F64, DType.I8}) {
            byte[] raw;
            if (d.byteSize() == 1) {
                raw = new byte[n]; // every code of the 8-bit types, NaN codes included
                r.nextBytes(raw);
            } else {
                raw = d == DType.F64 ? encodeF64(values) : TensorData.ofFloats("x", new long[] {n}, values, d).bytes();
            }
            MemorySegment src = MemorySegment.ofArray(raw);
            float[] expected = ElementCodec.toFloats(src, d, n);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment dst = a.allocate((long) n * Float.BYTES);
                ElementCodec.widenInto(src, d, dst, n);
                float[] got = dst.toArray(ValueLayout.JAVA_FLOAT);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), d + " element " + i);
                }
            }
        }
    }

    private static byte[] encodeF64(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putDouble(x);
        }
        return b.array();
    }
}
