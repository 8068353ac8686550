package io.autoround.model.safetensors;

import java.util.Locale;

/**
 * Tensor element types of the safetensors format. Declaration order is the format's own dtype order, which the
 * reference writer uses to lay tensors out (larger order first), so it must not be changed.
 */
public enum DType {
    BOOL(1), F4(1), F6_E2M3(1), F6_E3M2(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), F8_E8M0(1),
    I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element (sub-byte types are not supported for reading element-wise and report 1). */
    public int byteSize() {
        return byteSize;
    }

    /** True for floating point element types that can be widened to fp32 losslessly. */
    public boolean isFloating() {
        return this == F16 || this == BF16 || this == F32 || this == F8_E4M3 || this == F8_E5M2;
    }

    /** Parses the header name, e.g. {@code "BF16"}; fails with a message listing what is supported. */
    public static DType parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown dtype '" + name + "'");
        }
    }
}
