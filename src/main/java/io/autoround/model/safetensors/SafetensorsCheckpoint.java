package io.autoround.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.files.FileAccessException;
import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * All safetensors weights of a model folder: a single {@code model.safetensors}, a sharded set described by
 * {@code model.safetensors.index.json}, or any set of {@code *.safetensors} files. Shards are opened lazily
 * through the index but all are checked to exist up front so a missing shard is reported before work starts.
 */
public final class SafetensorsCheckpoint implements TensorSource {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
    private final List<TensorInfo> ordered = new ArrayList<>();

    private SafetensorsCheckpoint(Path dir, List<SafetensorsFile> files) {
        this.dir = dir;
        this.files = files;
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors()) {
                SafetensorsFile prev = owner.put(t.name(), f);
                if (prev != null) {
                    close();
                    throw new SafetensorsFormatException(f.path(), "tensor '" + t.name() + "' also appears in " + prev.path());
                }
                ordered.add(t);
            }
        }
    }

    /** Opens the weights of a model folder (or a single .safetensors file). */
    public static SafetensorsCheckpoint open(Path dirOrFile) {
        if (ModelFiles.isRegularFile(dirOrFile)) {
            return new SafetensorsCheckpoint(dirOrFile.getParent(), List.of(SafetensorsFile.open(dirOrFile)));
        }
        if (!ModelFiles.isDirectory(dirOrFile)) {
            throw new SafetensorsFormatException(dirOrFile, "no such model folder or safetensors file");
        }
        ModelFiles.requireListable(dirOrFile);
        List<Path> shardPaths = shardPaths(dirOrFile, ModelRoot.of(dirOrFile).checkFolder());
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Path p : shardPaths) {
                opened.add(SafetensorsFile.open(p));
            }
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
        SafetensorsCheckpoint ckpt = new SafetensorsCheckpoint(dirOrFile, opened);
        ckpt.checkIndex(dirOrFile.resolve(INDEX_FILE));
        return ckpt;
    }

    /** True when the folder holds safetensors weights. */
    public static boolean isCheckpoint(Path dir) {
        return ModelFiles.isRegularFile(dir.resolve(INDEX_FILE)) || ModelFiles.isRegularFile(dir.resolve(SINGLE_FILE));
    }

    /** The weight files, each confined to the model folder: index shard names cannot point elsewhere. */
    private static List<Path> shardPaths(Path dir, ModelRoot root) {
        Path index = root.file(INDEX_FILE);
        if (ModelFiles.isRegularFile(index)) {
            JsonNode weightMap = readIndex(index).get("weight_map");
            if (weightMap == null || !weightMap.isObject()) {
                throw new SafetensorsFormatException(index, "index has no 'weight_map' object");
            }
            List<Path> shards = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new SafetensorsFormatException(index, "weight_map entry '" + e.getKey()
                            + "' must name a shard file, got " + e.getValue());
                }
                Path p = root.resolve(e.getValue().asText(), index);
                if (!shards.contains(p)) {
                    shards.add(p);
                }
            }
            for (Path p : shards) {
                if (!ModelFiles.isRegularFile(p)) {
                    throw new SafetensorsFormatException(index, "shard '" + dir.toAbsolutePath().normalize().relativize(p)
                            + "' listed in the index is missing");
                }
            }
            return shards;
        }
        Path single = root.file(SINGLE_FILE);
        if (ModelFiles.isRegularFile(single)) {
            return List.of(single);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (all.isEmpty()) {
                throw new SafetensorsFormatException(dir, "no model.safetensors, " + INDEX_FILE + " or *.safetensors file in the folder");
            }
            all.forEach(root::check);
            return all;
        } catch (IOException e) {
            throw FileAccessException.of(dir, e);
        }
    }

    private static JsonNode readIndex(Path index) {
        byte[] bytes = ModelFiles.readAllBytes(index);
        try {
            return new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new SafetensorsFormatException(index, "index is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every tensor named by the index must exist in the shard the index names. */
    private void checkIndex(Path index) {
        if (!ModelFiles.isRegularFile(index)) {
            return;
        }
        readIndex(index).get("weight_map").fields().forEachRemaining(e -> {
            SafetensorsFile f = owner.get(e.getKey());
            if (f == null || !f.path().getFileName().toString().equals(Path.of(e.getValue().asText()).getFileName().toString())) {
                close();
                throw new SafetensorsFormatException(index, "tensor '" + e.getKey() + "' is not in shard " + e.getValue().asText());
            }
        });
    }

    public Path dir() {
        return dir;
    }

    @Override
    public List<TensorInfo> tensors() {
        return ordered;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        SafetensorsFile f = owner.get(name);
        return f == null ? Optional.empty() : f.find(name);
    }

    @Override
    public MemorySegment data(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new IllegalArgumentException("tensor '" + name + "' not found in " + dir);
        }
        return f.data(name);
    }

    @Override
    public <T> T withData(String name, java.util.function.Function<MemorySegment, T> reader) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new IllegalArgumentException("tensor '" + name + "' not found in " + dir);
        }
        return f.withData(name, reader);
    }

    /** The dtype most weights are stored in (the checkpoint's storage precision). */
    public DType dominantFloatType() {
        Map<DType, Long> bytes = new LinkedHashMap<>();
        for (TensorInfo t : ordered) {
            if (t.dtype().isFloating()) {
                bytes.merge(t.dtype(), t.byteLength(), Long::sum);
            }
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(DType.F32);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
