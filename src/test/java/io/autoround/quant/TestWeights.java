package io.autoround.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Minimal private safetensors reader for tests: parses the JSON header with Jackson and returns tensors as
 * Java arrays (BF16/F16/F32 widened to float, F16 also as raw bits, I32 as int).
 */
final class TestWeights implements AutoCloseable {

    /** Root of the shared assets. */
    static final Path SHARED = Path.of(System.getProperty("autoround.shared.dir", "../shared"));
    static final Path GOLDEN = SHARED.resolve("golden/formats");

    private final Path file;
    private final JsonNode header;
    private final ByteBuffer data;
    private final FileChannel channel;

    TestWeights(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(len, 0);
        long n = len.flip().getLong();
        ByteBuffer h = ByteBuffer.allocate((int) n);
        channel.read(h, 8);
        this.header = new ObjectMapper().readTree(h.array());
        this.data = channel.map(FileChannel.MapMode.READ_ONLY, 8 + n, channel.size() - 8 - n)
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private JsonNode entry(String name) {
        JsonNode e = header.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor " + name);
        }
        return e;
    }

    String dtype(String name) {
        return entry(name).get("dtype").asText();
    }

    int[] shape(String name) {
        JsonNode s = entry(name).get("shape");
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).asInt();
        }
        return out;
    }

    java.util.List<String> names() {
        java.util.List<String> out = new java.util.ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                out.add(n);
            }
        });
        return out;
    }

    private ByteBuffer slice(String name) {
        JsonNode off = entry(name).get("data_offsets");
        int a = off.get(0).asInt();
        int b = off.get(1).asInt();
        return data.slice(a, b - a).order(ByteOrder.LITTLE_ENDIAN);
    }

    float[] floats(String name) {
        String dt = dtype(name);
        ByteBuffer b = slice(name);
        return switch (dt) {
            case "F32" -> {
                float[] out = new float[b.remaining() / 4];
                b.asFloatBuffer().get(out);
                yield out;
            }
            case "BF16" -> {
                float[] out = new float[b.remaining() / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                }
                yield out;
            }
            case "F16" -> {
                float[] out = new float[b.remaining() / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(b.getShort(2 * i));
                }
                yield out;
            }
            default -> throw new IllegalArgumentException(file + ": " + name + " has dtype " + dt + ", not a float");
        };
    }

    short[] halfBits(String name) {
        if (!dtype(name).equals("F16")) {
            throw new IllegalArgumentException(name + " is not F16");
        }
        ByteBuffer b = slice(name);
        short[] out = new short[b.remaining() / 2];
        b.asShortBuffer().get(out);
        return out;
    }

    int[] ints(String name) {
        if (!dtype(name).equals("I32")) {
            throw new IllegalArgumentException(name + " is not I32");
        }
        ByteBuffer b = slice(name);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }
}
