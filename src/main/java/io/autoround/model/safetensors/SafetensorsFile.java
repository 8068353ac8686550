package io.autoround.model.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.files.FileAccessException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One safetensors file, memory-mapped; tensors are read lazily. The header is validated up front so that a
 * truncated or corrupt file fails with a message naming the file and the problem instead of reading garbage.
 */
public final class SafetensorsFile implements TensorSource {
    /** Duplicate keys would let a second entry silently replace the first: refuse them. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Same cap as the reference reader: a larger header is certainly corrupt. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment whole;
    private final MemorySegment dataSection;
    private final Map<String, TensorInfo> byName;
    private final List<TensorInfo> ordered;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment whole, MemorySegment dataSection, List<TensorInfo> ordered,
            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.whole = whole;
        this.dataSection = dataSection;
        this.ordered = List.copyOf(ordered);
        this.metadata = Collections.unmodifiableMap(metadata);
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (TensorInfo t : ordered) {
            m.put(t.name(), t);
        }
        this.byName = m;
    }

    /** Opens and validates a file. */
    public static SafetensorsFile open(Path path) {
        long size;
        ByteBuffer head;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw new SafetensorsFormatException(path, "file is " + size + " bytes, too short for a safetensors header");
            }
            head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            long headerLen = head.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(path, "invalid header length " + headerLen);
            }
            if (8 + headerLen > size) {
                throw new SafetensorsFormatException(path, "header length " + headerLen + " runs past the end of the file ("
                        + size + " bytes): the file is truncated or not safetensors");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            while (hb.hasRemaining() && ch.read(hb, 8 + hb.position()) > 0) {
                // read fully
            }
            if (hb.hasRemaining()) {
                throw new SafetensorsFormatException(path, "the file shrank while its header was read");
            }
            String header = new String(hb.array(), StandardCharsets.UTF_8);
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> tensors = parseHeader(path, header, metadata);
            long dataLen = size - 8 - headerLen;
            validateOffsets(path, tensors, dataLen);
            Arena arena = Arena.ofShared();
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafetensorsFile(path, arena, all, all.asSlice(8 + headerLen, dataLen), tensors, metadata);
        } catch (IOException e) {
            throw FileAccessException.of(path, e);
        }
    }

    private static List<TensorInfo> parseHeader(Path path, String header, Map<String, String> metadataOut) {
        JsonNode root;
        try {
            root = JSON.readTree(header.strip());
        } catch (IOException e) {
            throw new SafetensorsFormatException(path, "header is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(path, "header is not a JSON object");
        }
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                v.fields().forEachRemaining(m -> metadataOut.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.add(parseEntry(path, name, v));
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        return tensors;
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode v) {
        JsonNode dt = v.get("dtype");
        JsonNode shape = v.get("shape");
        JsonNode offs = v.get("data_offsets");
        if (dt == null || shape == null || !shape.isArray() || offs == null || !offs.isArray() || offs.size() != 2) {
            throw new SafetensorsFormatException(path, "tensor '" + name + "': entry needs dtype, shape and data_offsets [begin, end]");
        }
        DType dtype;
        try {
            dtype = DType.parse(dt.asText());
        } catch (IllegalArgumentException ex) {
            throw new SafetensorsFormatException(path, "tensor '" + name + "': " + ex.getMessage());
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            dims[i] = d.isIntegralNumber() && d.canConvertToLong() ? d.asLong() : -1;
            if (dims[i] < 0) {
                throw new SafetensorsFormatException(path, "tensor '" + name + "': negative or non-numeric dimension " + shape);
            }
        }
        long begin = offs.get(0).isIntegralNumber() && offs.get(0).canConvertToLong() ? offs.get(0).asLong() : -1;
        long end = offs.get(1).isIntegralNumber() && offs.get(1).canConvertToLong() ? offs.get(1).asLong() : -1;
        TensorInfo t = new TensorInfo(name, dtype, dims, begin, end);
        if (t.begin() < 0 || t.end() < t.begin()) {
            throw new SafetensorsFormatException(path, "tensor '" + name + "': invalid data_offsets " + offs);
        }
        long expected;
        try {
            expected = Math.multiplyExact(t.numel(), (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsFormatException(path, "tensor '" + name + "': shape " + shape + " is too large");
        }
        if (dtype != DType.F4 && dtype != DType.F6_E2M3 && dtype != DType.F6_E3M2 && expected != t.byteLength()) {
            throw new SafetensorsFormatException(path, "tensor '" + name + "': " + dtype + shape + " needs " + expected
                    + " bytes but data_offsets span " + t.byteLength());
        }
        return t;
    }

    /**
     * Tensors must tile the data section exactly, as the reference reader demands: no overlap, no gap, nothing past
     * the end and no bytes left over (a gap or leftover means the header and the data disagree).
     */
    private static void validateOffsets(Path path, List<TensorInfo> sorted, long dataLen) {
        long prevEnd = 0;
        String prevName = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < prevEnd) {
                throw new SafetensorsFormatException(path, "tensor '" + t.name() + "' overlaps tensor '" + prevName
                        + "' (data_offsets " + t.begin() + " < " + prevEnd + ")");
            }
            if (t.begin() > prevEnd) {
                throw new SafetensorsFormatException(path, "tensor '" + t.name() + "' data_offsets begin " + t.begin()
                        + " leaves a gap after " + (prevName == null ? "the header" : "tensor '" + prevName + "'")
                        + " (which ends at " + prevEnd + "); tensors must be stored back to back");
            }
            if (t.end() > dataLen) {
                throw new SafetensorsFormatException(path, "tensor '" + t.name() + "' data_offsets end " + t.end()
                        + " is past the end of the data (" + dataLen + " bytes): the file is truncated");
            }
            prevEnd = t.end();
            prevName = t.name();
        }
        if (prevEnd != dataLen) {
            throw new SafetensorsFormatException(path, "the data section holds " + dataLen + " bytes but the header's"
                    + " tensors cover " + prevEnd + ": the header and the data disagree");
        }
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public List<TensorInfo> tensors() {
        return ordered;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public MemorySegment data(String name) {
        TensorInfo t = info(name);
        return dataSection.asSlice(t.begin(), t.byteLength());
    }

    /** Maps only this tensor's bytes for the call (see {@link TensorSource#withData}). */
    @Override
    public <T> T withData(String name, java.util.function.Function<MemorySegment, T> reader) {
        TensorInfo t = info(name);
        if (t.byteLength() == 0) {
            return reader.apply(data(name));
        }
        long start = dataSection.address() - whole.address() + t.begin();
        try (Arena call = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return reader.apply(ch.map(FileChannel.MapMode.READ_ONLY, start, t.byteLength(), call));
        } catch (IOException e) {
            throw new SafetensorsFormatException(path, "cannot read tensor '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
