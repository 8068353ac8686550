package io.autoround.export.gguf;

import io.autoround.model.files.FileAccessException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a GGUF v3 file: header, metadata, tensor infos, and tensor data (raw bytes or dequantized to fp32). The
 * file is memory-mapped; close the reader to unmap it.
 */
public final class GgufReader implements AutoCloseable {
    private final Path file;
    private final Arena arena;
    private final MemorySegment seg;

    private GgufReader(Path file) {
        this.file = file;
        this.arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            arena.close();
            throw FileAccessException.of(file, e);
        }
        try {
            LittleEndianInput in = new LittleEndianInput(seg, file.toString());
            parseHeader(in);
        } catch (RuntimeException e) {
            if (arena.scope().isAlive()) {
                arena.close();
            }
            throw e instanceof GgufFormatException || !(e instanceof IllegalArgumentException) ? e
                    : new GgufFormatException(file + ": " + e.getMessage());
        }
    }

    private int version;
    private Map<String, GgufValue> metadata;
    private List<GgufTensorInfo> tensors;
    private long dataStart;

    private void parseHeader(LittleEndianInput in) {
        int magic = in.u32();
        if (magic != GgufWriter.MAGIC) {
            throw fail("not a GGUF file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        version = in.u32();
        if (version != 2 && version != 3) {
            throw fail("unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        long nTensors = in.u64();
        long nKv = in.u64();
        if (nTensors < 0 || nKv < 0 || nTensors > seg.byteSize() || nKv > seg.byteSize()) {
            throw fail("implausible counts: " + nTensors + " tensors, " + nKv + " metadata entries");
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = in.string();
            kv.put(key, GgufValueCodec.read(in, GgufValueType.ofId(in.u32())));
        }
        metadata = Collections.unmodifiableMap(kv);
        List<GgufTensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String name = in.string();
            int nDims = in.u32();
            if (nDims < 1 || nDims > 4) {
                throw fail("tensor " + name + " has " + nDims + " dimensions (1..4 allowed)");
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.u64();
            }
            int typeId = in.u32();
            GgmlType type;
            try {
                type = GgmlType.ofId(typeId);
            } catch (GgufFormatException e) {
                throw fail("tensor " + name + ": " + e.getMessage());
            }
            infos.add(new GgufTensorInfo(name, dims, type, in.u64()));
        }
        tensors = List.copyOf(infos);
        long align = alignment();
        dataStart = (in.position() + align - 1) / align * align;
        for (GgufTensorInfo t : tensors) {
            if (t.offset() % align != 0 || dataStart + t.offset() + t.byteSize() > seg.byteSize()) {
                throw fail("tensor " + t.name() + " data (offset " + t.offset() + ", " + t.byteSize()
                        + " bytes) is misaligned or past the end of the file");
            }
        }
    }

    /** Opens and parses {@code file}; malformed files fail with {@link GgufFormatException} naming the file. */
    public static GgufReader open(Path file) {
        return new GgufReader(file);
    }

    private GgufFormatException fail(String message) {
        return new GgufFormatException(file + ": " + message);
    }

    public int version() {
        return version;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** A metadata value, if present. */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The alignment in effect ({@code general.alignment}, default 32). */
    public long alignment() {
        GgufValue a = metadata.get("general.alignment");
        return a == null ? GgufWriter.DEFAULT_ALIGNMENT : a.asLong();
    }

    /** Byte offset of the data section in the file. */
    public long dataStart() {
        return dataStart;
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}; a missing one fails naming the file. */
    public GgufTensorInfo tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new GgufFormatException(file + ": no tensor " + name));
    }

    /** The raw bytes of a tensor. */
    public byte[] bytes(GgufTensorInfo t) {
        return seg.asSlice(dataStart + t.offset(), t.byteSize()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A tensor dequantized to fp32, row-major (ggml order reversed). */
    public float[] dequantize(GgufTensorInfo t) {
        return GgmlBlockCodec.dequantize(t.type(), bytes(t), Math.toIntExact(t.numel()));
    }

    @Override
    public void close() {
        arena.close();
    }
}
