package io.autoround.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** fp32 arrays filled off-heap hold exactly the values written, whole or in pieces, and own their memory. */
class OffHeapArraysTest {

    private static float[] randoms(int n) {
        Random r = new Random(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void copiesValuesExactly() {
        float[] v = randoms(6 * 5);
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDArray a = OffHeapArrays.fp32(m, v, new Shape(6, 5))) {
            assertEquals(new Shape(6, 5), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertArrayEquals(v, a.toFloatArray());
            try (NDArray b = m.create(v, new Shape(6, 5))) {
                assertTrue(a.contentEquals(b));
            }
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThrows(IllegalArgumentException.class, () -> OffHeapArrays.fp32(m, new float[5], new Shape(2, 3)));
        }
    }

    @Test
    void largeTensorsAreBuiltInRowPiecesThatEachSeeTheirOwnRange() {
        float[] v = randoms(10 * 7);
        List<long[]> ranges = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                NDArray a = OffHeapArrays.fp32(m, new Shape(10, 7), (dst, first, count) -> {
                    ranges.add(new long[] {first, count});
                    for (long i = 0; i < count; i++) {
                        dst.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v[(int) (first + i)]);
                    }
                }, 3 * 7 * Float.BYTES)) {
            assertEquals(new Shape(10, 7), a.getShape());
            assertArrayEquals(v, a.toFloatArray());
        }
        assertEquals(List.of("0+21", "21+21", "42+21", "63+7"), ranges.stream().map(r -> r[0] + "+" + r[1]).toList());
    }
}
