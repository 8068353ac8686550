package io.autoround.export.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file (little-endian): header ({@code "GGUF"}, version 3, uint64 tensor and KV counts),
 * metadata KVs, tensor infos, padding to the alignment, then each tensor's data padded to the alignment.
 * Tensor data is streamed to a temporary file as it arrives; {@link #finish()} assembles the file under a
 * temporary name and renames it, so a failed export leaves no partial {@code .gguf}.
 */
public final class GgufWriter implements AutoCloseable {
    /** The GGUF magic as a little-endian uint32 ({@code "GGUF"}). */
    public static final int MAGIC = 0x46554747;
    public static final int VERSION = 3;
    /** Default alignment; another value is recorded in {@code general.alignment}. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path target;
    private final int alignment;
    private final Map<String, GgufValue> kvs = new LinkedHashMap<>();
    private final List<GgufTensorInfo> tensors = new ArrayList<>();
    private final Path dataFile;
    private final LittleEndianOutput data;
    private final OutputStream dataStream;
    private boolean closed;

    public GgufWriter(Path target) {
        this(target, DEFAULT_ALIGNMENT);
    }

    public GgufWriter(Path target, int alignment) {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("GGUF alignment must be a power of two, got " + alignment);
        }
        this.target = target.toAbsolutePath();
        this.alignment = alignment;
        try {
            Files.createDirectories(this.target.getParent());
            dataFile = sibling(".data");
            dataStream = new BufferedOutputStream(Files.newOutputStream(dataFile, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + this.target + ": " + e.getMessage(), e);
        }
        data = new LittleEndianOutput(dataStream);
        if (alignment != DEFAULT_ALIGNMENT) {
            kvs.put("general.alignment", GgufValue.uint32(alignment));
        }
    }

    /** Adds (or replaces) a metadata entry; insertion order is the file order. */
    public GgufWriter put(String key, GgufValue value) {
        if (key.equals("general.alignment") && value.asLong() != alignment) {
            throw new IllegalArgumentException("general.alignment is fixed by the writer (" + alignment + ")");
        }
        kvs.put(key, value);
        return this;
    }

    /**
     * Appends a tensor.
     *
     * @param rowMajorShape PyTorch-order shape (written reversed, in ggml order)
     * @param bytes exactly {@code type.bytesFor(numel)} bytes
     */
    public void addTensor(String name, long[] rowMajorShape, GgmlType type, byte[] bytes) {
        long[] dims = GgufTensorInfo.ggmlDims(rowMajorShape);
        if (dims.length == 0 || dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": innermost dimension " + (dims.length == 0 ? 0 : dims[0])
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        GgufTensorInfo info = new GgufTensorInfo(name, dims, type, data.written());
        if (info.byteSize() != bytes.length) {
            throw new IllegalArgumentException(name + ": " + type + " data of shape " + java.util.Arrays.toString(
                    rowMajorShape) + " needs " + info.byteSize() + " bytes, got " + bytes.length);
        }
        if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("duplicate GGUF tensor name " + name);
        }
        data.bytes(bytes);
        data.zeros(padding(data.written()));
        tensors.add(info);
    }

    /** Tensors added so far. */
    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    /** Writes the file and renames it into place; returns its path. */
    public Path finish() {
        Path temp = null;
        try {
            dataStream.close();
            temp = sibling(".tmp");
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 20)) {
                LittleEndianOutput out = new LittleEndianOutput(os);
                out.u32(MAGIC);
                out.u32(VERSION);
                out.u64(tensors.size());
                out.u64(kvs.size());
                kvs.forEach((k, v) -> {
                    out.string(k);
                    out.u32(v.type().id());
                    GgufValueCodec.write(out, v);
                });
                for (GgufTensorInfo t : tensors) {
                    out.string(t.name());
                    out.u32(t.dims().length);
                    for (long d : t.dims()) {
                        out.u64(d);
                    }
                    out.u32(t.type().id());
                    out.u64(t.offset());
                }
                out.zeros(padding(out.written()));
                os.flush();
                Files.copy(dataFile, os);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
            close();
        }
    }

    /**
     * A fresh hidden name beside the target. Not Files.createTempFile: that makes the file 0600, and the final
     * .gguf (a rename of it) must get the umask's permissions like any other file.
     */
    private Path sibling(String suffix) {
        long n = java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40);
        return target.resolveSibling("." + target.getFileName() + "." + Long.toString(n, 36) + suffix);
    }

    private long padding(long position) {
        return (alignment - position % alignment) % alignment;
    }

    /** Removes the temporary data (no-op after finish). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            dataStream.close();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        deleteQuietly(dataFile);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a leftover hidden temp file does not affect the output
            }
        }
    }
}
