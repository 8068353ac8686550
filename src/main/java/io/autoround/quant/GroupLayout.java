package io.autoround.quant;

/**
 * How a row-major weight [rows, cols] splits into quantization groups: {@code groupSize > 0} = runs of that many
 * input channels per row (the last one shorter when cols is not a multiple: the reference zero-pads it, which
 * changes no min/max), {@code -1} = one group per row, {@code 0} = one group for the whole tensor. Group
 * {@code g} of a grouped layout is row {@code g / groupsPerRow}, column block {@code g % groupsPerRow}, which is
 * also the index into {@link QuantizedWeight#scales()}.
 *
 * @param rows out_features
 * @param cols in_features
 * @param groupSize the scheme's group size
 */
public record GroupLayout(int rows, int cols, int groupSize) {

    public GroupLayout {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("weight shape must be positive, got [" + rows + ", " + cols + "]");
        }
        if (groupSize < -1) {
            throw new IllegalArgumentException("group_size must be -1, 0 or > 0, got " + groupSize);
        }
    }

    /** Layout for a scheme. */
    public static GroupLayout of(int rows, int cols, QuantScheme scheme) {
        return new GroupLayout(rows, cols, scheme.groupSize());
    }

    /** True when one group spans the whole tensor. */
    public boolean perTensor() {
        return groupSize == 0;
    }

    /** Groups along one row (1 for per-row and per-tensor). */
    public int groupsPerRow() {
        return groupSize > 0 ? (cols + groupSize - 1) / groupSize : 1;
    }

    /** Width of a full group in columns. */
    public int width() {
        return groupSize > 0 ? Math.min(groupSize, cols) : cols;
    }

    /** Total number of groups (= number of scales). */
    public int numGroups() {
        return perTensor() ? 1 : rows * groupsPerRow();
    }

    /** First row of group g. */
    public int rowStart(int g) {
        return perTensor() ? 0 : g / groupsPerRow();
    }

    /** One past the last row of group g. */
    public int rowEnd(int g) {
        return perTensor() ? rows : g / groupsPerRow() + 1;
    }

    /** First column of group g. */
    public int colStart(int g) {
        return groupSize > 0 ? (g % groupsPerRow()) * groupSize : 0;
    }

    /** One past the last column of group g. */
    public int colEnd(int g) {
        return groupSize > 0 ? Math.min(cols, colStart(g) + groupSize) : cols;
    }

    /**
     * Throws unless the input dimension is a whole number of groups: block formats (MX, NVFP4) have no partial
     * blocks, and the reference leaves such layers unquantised (reference-spec 3.8).
     */
    public void requireWholeGroups(String layer, String family) {
        if (groupSize > 0 && cols % groupSize != 0) {
            throw new IllegalArgumentException(layer + ": in_features " + cols + " is not divisible by group_size "
                    + groupSize + "; " + family + " layers with partial blocks stay unquantised in the reference");
        }
    }

    /** Group index of element (r, c). */
    public int groupOf(int r, int c) {
        if (perTensor()) {
            return 0;
        }
        return groupSize > 0 ? r * groupsPerRow() + c / groupSize : r;
    }
}
