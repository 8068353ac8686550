package io.autoround.model.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes one safetensors file the way the reference (Python safetensors) does: tensors laid out by dtype
 * (larger dtype order first) then name, a compact JSON header with {@code __metadata__} first, padded with
 * spaces to a multiple of 8 bytes. Written to a temporary name and renamed, so a failed write leaves nothing.
 */
public final class SafetensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private SafetensorsWriter() {}

    /** The reference layout order. */
    public static final Comparator<TensorData> LAYOUT_ORDER =
            Comparator.comparing((TensorData t) -> t.dtype().ordinal()).reversed().thenComparing(TensorData::name);

    /** Writes {@code tensors} to {@code target}; {@code metadata} may be null (no {@code __metadata__} entry). */
    public static void write(Path target, Map<String, String> metadata, List<TensorData> tensors) {
        List<TensorData> sorted = new ArrayList<>(tensors);
        sorted.sort(LAYOUT_ORDER);
        byte[] header = header(metadata, sorted);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
                out.write(header);
                for (TensorData t : sorted) {
                    out.write(t.bytes());
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is what matters
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static byte[] header(Map<String, String> metadata, List<TensorData> sorted) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bos)) {
            g.writeStartObject();
            if (metadata != null) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (TensorData t : sorted) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + t.byteLength());
                g.writeEndArray();
                g.writeEndObject();
                offset += t.byteLength();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int len = bos.size();
        int padded = (len + 7) / 8 * 8;
        for (int i = len; i < padded; i++) {
            bos.write(' ');
        }
        return bos.toByteArray();
    }
}
