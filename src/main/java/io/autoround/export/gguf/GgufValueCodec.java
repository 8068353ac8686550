package io.autoround.export.gguf;

import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes GGUF metadata values (the part after the uint32 type id). */
final class GgufValueCodec {
    private GgufValueCodec() {}

    static void write(LittleEndianOutput out, GgufValue v) {
        if (v.type() == GgufValueType.ARRAY) {
            out.u32(v.elementType().id());
            out.u64(v.asList().size());
            for (Object e : v.asList()) {
                writeScalar(out, v.elementType(), e);
            }
        } else {
            writeScalar(out, v.type(), v.value());
        }
    }

    private static void writeScalar(LittleEndianOutput out, GgufValueType t, Object o) {
        switch (t) {
            case UINT8, INT8 -> out.u8((int) ((Number) o).longValue());
            case UINT16, INT16 -> out.u16((int) ((Number) o).longValue());
            case UINT32, INT32 -> out.u32(((Number) o).longValue());
            case UINT64, INT64 -> out.u64(((Number) o).longValue());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits(((Number) o).floatValue()));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits(((Number) o).doubleValue()));
            case BOOL -> out.u8((Boolean) o ? 1 : 0);
            case STRING -> out.string((String) o);
            case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays are not supported");
        }
    }

    static GgufValue read(LittleEndianInput in, GgufValueType t) {
        if (t != GgufValueType.ARRAY) {
            return new GgufValue(t, null, readScalar(in, t));
        }
        GgufValueType et = GgufValueType.ofId(in.u32());
        long n = in.u64();
        if (et == GgufValueType.ARRAY || n < 0 || n > Integer.MAX_VALUE) {
            throw new GgufFormatException("unsupported GGUF array (" + et + " x " + n + ") at " + in.position());
        }
        List<Object> items = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            items.add(readScalar(in, et));
        }
        return new GgufValue(t, et, items);
    }

    private static Object readScalar(LittleEndianInput in, GgufValueType t) {
        return switch (t) {
            case UINT8 -> (long) (in.u8() & 0xFF);
            case INT8 -> (long) in.u8();
            case UINT16 -> (long) (in.u16() & 0xFFFF);
            case INT16 -> (long) in.u16();
            case UINT32 -> in.u32() & 0xFFFFFFFFL;
            case INT32 -> (long) in.u32();
            case UINT64, INT64 -> in.u64();
            case FLOAT32 -> Float.intBitsToFloat(in.u32());
            case FLOAT64 -> Double.longBitsToDouble(in.u64());
            case BOOL -> in.u8() != 0;
            case STRING -> in.string();
            case ARRAY -> throw new GgufFormatException("nested GGUF arrays are not supported");
        };
    }
}
