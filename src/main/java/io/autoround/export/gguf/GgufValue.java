package io.autoround.export.gguf;

import java.util.List;

/**
 * One GGUF metadata value: a scalar ({@code Long} for the integer types, {@code Float}/{@code Double},
 * {@code Boolean}, {@code String}) or an array of scalars of {@code elementType}.
 *
 * @param type the value type
 * @param elementType element type for arrays, else null
 * @param value the Java value (a {@code List} for arrays)
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("element type is given exactly for arrays");
        }
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("nested GGUF arrays are not supported");
        }
    }

    public static GgufValue string(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue uint32(long v) {
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue int32(long v) {
        return new GgufValue(GgufValueType.INT32, null, v);
    }

    public static GgufValue uint64(long v) {
        return new GgufValue(GgufValueType.UINT64, null, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    /** An array of {@code elementType} values (Strings, Longs, Floats, Doubles or Booleans). */
    public static GgufValue array(GgufValueType elementType, List<?> values) {
        return new GgufValue(GgufValueType.ARRAY, elementType, List.copyOf(values));
    }

    /** The value as a long (integer types). */
    public long asLong() {
        return ((Number) value).longValue();
    }

    /** The value as a double (numeric types). */
    public double asDouble() {
        return ((Number) value).doubleValue();
    }

    /** The value as a string. */
    public String asString() {
        return (String) value;
    }

    /** The array elements. */
    public List<?> asList() {
        return (List<?>) value;
    }
}
