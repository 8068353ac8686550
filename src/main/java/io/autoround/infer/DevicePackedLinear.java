package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.autoround.quant.QuantizedWeight;
import java.nio.ByteBuffer;

/**
 * Packed codes kept on the device as uint8 [out, groups, paddedGroup / codesPerByte] (low bits first; 3-bit codes
 * take a nibble), with fp32 scales and zero points [out, groups, 1]. Each forward unpacks all codes with one gather
 * through a 256-entry byte-to-fields table (DJL has no bitwise ops), dequantizes and runs one matmul; the fp32 weight lives only for that call, as in the reference's pure-torch QuantLinear.
 */
final class DevicePackedLinear implements QuantizedLinear {
    private final int rows;
    private final int cols;
    private final int groups;
    private final int groupWidth;
    private final int fieldBits;
    private final int codesPerByte;
    private final int paddedGroupWidth;
    private final NDArray packed;
    private final NDArray scales;
    private final NDArray zeros;
    private final NDArray fieldTable;

    DevicePackedLinear(QuantizedWeight w, NDManager manager) {
        this.rows = w.rows();
        this.cols = w.cols();
        this.groups = w.groupsPerRow();
        this.groupWidth = w.groupWidth();
        this.fieldBits = w.scheme().bits() == 3 ? 4 : w.scheme().bits();
        this.codesPerByte = 8 / fieldBits;
        this.paddedGroupWidth = (groupWidth + codesPerByte - 1) / codesPerByte * codesPerByte;
        int bytesPerGroup = paddedGroupWidth / codesPerByte;
        byte[] bytes = new byte[rows * groups * bytesPerGroup];
        float[] zeroPoints = new float[rows * groups];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                zeroPoints[r * groups + g] = w.zeros()[r * groups + g];
                for (int j = 0; j < groupWidth && g * groupWidth + j < cols; j++) {
                    int code = w.codes()[r * cols + g * groupWidth + j];
                    bytes[(r * groups + g) * bytesPerGroup + j / codesPerByte] |= (byte) (code << (fieldBits * (j % codesPerByte)));
                }
            }
        }
        this.packed = manager.create(ByteBuffer.wrap(bytes), new Shape(rows, groups, bytesPerGroup), DataType.UINT8);
        this.scales = manager.create(w.scales(), new Shape(rows, groups, 1));
        this.zeros = manager.create(zeroPoints, new Shape(rows, groups, 1));
        this.fieldTable = manager.create(fieldTable(fieldBits, codesPerByte), new Shape(256, codesPerByte));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager m = x.getManager();
        NDArray weight;
        try (NDManager scope = m.newSubManager()) {
            // one gather through the 256-entry byte -> fields table unpacks every code at once
            NDArray index = packed.toType(DataType.INT64, true).reshape(-1);
            index.attach(scope);
            NDArray codes = fieldTable.get(scope, new NDIndex("{}", index));
            NDArray w = codes.reshape(rows, groups, paddedGroupWidth).sub(zeros).mul(scales);
            if (paddedGroupWidth != groupWidth) {
                w = w.get(":, :, :" + groupWidth);
            }
            w = w.reshape(rows, (long) groups * groupWidth);
            if (groups * groupWidth != cols) {
                w = w.get(":, :" + cols);
            }
            weight = w;
            weight.attach(m);
        }
        NDArray y = Linear.linear(x, weight, null).singletonOrThrow();
        weight.close();
        return y;
    }

    /** [256, codesPerByte]: the code values of every byte, low bits first. */
    private static float[] fieldTable(int fieldBits, int codesPerByte) {
        float[] t = new float[256 * codesPerByte];
        int mask = (1 << fieldBits) - 1;
        for (int b = 0; b < 256; b++) {
            for (int i = 0; i < codesPerByte; i++) {
                t[b * codesPerByte + i] = (b >>> (fieldBits * i)) & mask;
            }
        }
        return t;
    }

    @Override
    public long residentBytes() {
        return packed.getShape().size() + 4L * (scales.getShape().size() + zeros.getShape().size() + fieldTable.getShape().size());
    }
}
