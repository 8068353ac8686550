package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.autoround.quant.QuantizedWeight;
import java.nio.ByteBuffer;

/**
 * Packed codes kept on the device as uint8 [out, groups, paddedGroup / codesPerByte], planar per group (bit field i
 * of byte j holds column {@code i * bytesPerGroup + j}; 3-bit codes take a nibble), with fp32 scales and zero points
 * [out, groups, 1]. Each forward splits the fields with exact float arithmetic (DJL has no bitwise ops), joins the
 * planes by one concat, dequantizes and runs one matmul; the fp32 weight lives only for that call, as in the reference's pure-torch QuantLinear.
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
                    // planar: field i of byte j holds column i * bytesPerGroup + j of the group
                    bytes[(r * groups + g) * bytesPerGroup + j % bytesPerGroup] |= (byte) (code << (fieldBits * (j / bytesPerGroup)));
                }
            }
        }
        this.packed = manager.create(ByteBuffer.wrap(bytes), new Shape(rows, groups, bytesPerGroup), DataType.UINT8);
        this.scales = manager.create(w.scales(), new Shape(rows, groups, 1));
        this.zeros = manager.create(zeroPoints, new Shape(rows, groups, 1));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager m = x.getManager();
        NDArray weight;
        try (NDManager scope = m.newSubManager()) {
            NDArray rest = packed.toType(DataType.FLOAT32, true);
            rest.attach(scope);
            NDList fields = new NDList(codesPerByte);
            for (int i = 0; i < codesPerByte - 1; i++) {
                // exact in fp32: the low field is rest - 2^bits * floor(rest / 2^bits)
                NDArray higher = rest.mul(1f / (1 << fieldBits)).floor();
                fields.add(rest.sub(higher.mul(1 << fieldBits)));
                rest = higher;
            }
            fields.add(rest);
            NDArray codes = codesPerByte == 1 ? rest : NDArrays.concat(fields, 2);
            NDArray w = codes.sub(zeros).mul(scales);
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

    @Override
    public long residentBytes() {
        return packed.getShape().size() + 4L * (scales.getShape().size() + zeros.getShape().size());
    }
}
