package io.autoround.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * fp32 NDArrays filled from Java without a heap copy and owned by libtorch. DJL's {@code create(float[])} keeps a
 * JVM direct buffer as the CPU tensor's memory, which is freed only when the garbage collector finds the buffer, not
 * when the array is closed: a model streamed block by block would then hold every released block until some GC.
 * Here the data is written into a confined arena, libtorch takes its own copy (a clone on the CPU, the upload on a
 * GPU), and the arena is freed before returning, so closing the array frees its memory at once.
 */
public final class OffHeapArrays {
    /** Largest piece handed to DJL at once: its ByteBuffer path is limited to 2 GiB. */
    private static final long MAX_PIECE_BYTES = 1L << 30;

    private OffHeapArrays() {}

    /**
     * An fp32 array of {@code shape} on {@code manager}; {@code fill} writes native-order floats for the flat elements
     * {@code [first, first + count)} into the segment it is given (called once per piece of at most 1 GiB, split along
     * the first axis).
     */
    public static NDArray fp32(NDManager manager, Shape shape, Filler fill) {
        return fp32(manager, shape, fill, MAX_PIECE_BYTES);
    }

    static NDArray fp32(NDManager manager, Shape shape, Filler fill, long maxPieceBytes) {
        long numel = shape.size();
        long rows = shape.dimension() == 0 ? 1 : shape.get(0);
        long rowElems = rows == 0 ? 0 : numel / rows;
        long rowsPerPiece = rowElems == 0 ? Math.max(rows, 1) : Math.max(1, maxPieceBytes / (rowElems * Float.BYTES));
        if (rows <= rowsPerPiece || shape.dimension() == 0) {
            return piece(manager, shape, 0, numel, fill);
        }
        List<NDArray> pieces = new ArrayList<>();
        try {
            for (long r = 0; r < rows; r += rowsPerPiece) {
                long n = Math.min(rowsPerPiece, rows - r);
                long[] dims = shape.getShape().clone();
                dims[0] = n;
                pieces.add(piece(manager, new Shape(dims), r * rowElems, n * rowElems, fill));
            }
            return NDArrays.concat(new NDList(pieces), 0);
        } finally {
            pieces.forEach(NDArray::close);
        }
    }

    /** An fp32 copy of {@code values} (row-major for {@code shape}) owned by libtorch. */
    public static NDArray fp32(NDManager manager, float[] values, Shape shape) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + shape);
        }
        return fp32(manager, shape, (dst, first, count) -> MemorySegment.copy(values, Math.toIntExact(first), dst,
                java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, Math.toIntExact(count)));
    }

    private static NDArray piece(NDManager manager, Shape shape, long first, long count, Filler fill) {
        long bytes = count * Float.BYTES;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(bytes, Float.BYTES), 64).asSlice(0, bytes);
            fill.accept(seg, first, count);
            NDArray view = manager.create(seg.asByteBuffer().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
            if (manager.getDevice().isGpu()) {
                return view; // libtorch copied it to the device; the host buffer is no longer referenced
            }
            NDArray owned = view.duplicate(); // libtorch's own memory, independent of the arena
            view.close();
            return owned;
        }
    }

    /** Writes elements {@code [first, first + count)} as native-order fp32 into {@code dst} (count * 4 bytes). */
    @FunctionalInterface
    public interface Filler {
        void accept(MemorySegment dst, long first, long count);
    }
}
