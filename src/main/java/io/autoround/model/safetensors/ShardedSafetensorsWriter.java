package io.autoround.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams tensors into shards of at most {@code maxShardBytes} each (a single larger tensor gets a shard of its
 * own). Shards are flushed to temporary files as they fill, so memory stays near one shard; {@link #finish()}
 * renames them to {@code model-0000i-of-0000N.safetensors} and writes {@code model.safetensors.index.json}, or
 * a plain {@code model.safetensors} when everything fit in one shard.
 */
public final class ShardedSafetensorsWriter {
    private final Path dir;
    private final long maxShardBytes;
    private final Map<String, String> metadata;
    private final List<TensorData> pending = new ArrayList<>();
    private long pendingBytes;
    private final List<List<String>> shardNames = new ArrayList<>();
    private long totalBytes;
    private boolean finished;

    /**
     * @param dir output folder (created if needed)
     * @param maxShardBytes shard size limit in bytes
     * @param metadata {@code __metadata__} written into each shard, or null
     */
    public ShardedSafetensorsWriter(Path dir, long maxShardBytes, Map<String, String> metadata) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("max shard size must be positive, got " + maxShardBytes);
        }
        this.dir = dir;
        this.maxShardBytes = maxShardBytes;
        this.metadata = metadata;
    }

    /** Adds a tensor; may flush the current shard to disk first. */
    public void add(TensorData t) {
        if (finished) {
            throw new IllegalStateException("writer already finished");
        }
        if (!pending.isEmpty() && pendingBytes + t.byteLength() > maxShardBytes) {
            flush();
        }
        pending.add(t);
        pendingBytes += t.byteLength();
        totalBytes += t.byteLength();
    }

    private Path tempShard(int i) {
        return dir.resolve(".shard-" + i + ".safetensors.tmp");
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        SafetensorsWriter.write(tempShard(shardNames.size()), metadata, pending);
        shardNames.add(pending.stream().map(TensorData::name).toList());
        pending.clear();
        pendingBytes = 0;
    }

    /** Writes the last shard, names all shards and writes the index; returns the written file names. */
    public List<String> finish() {
        flush();
        finished = true;
        int n = shardNames.size();
        List<String> files = new ArrayList<>();
        try {
            if (n == 0) {
                return files;
            }
            if (n == 1) {
                Files.move(tempShard(0), dir.resolve(SafetensorsCheckpoint.SINGLE_FILE), StandardCopyOption.REPLACE_EXISTING);
                files.add(SafetensorsCheckpoint.SINGLE_FILE);
                return files;
            }
            Map<String, String> weightMap = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
                Files.move(tempShard(i), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                files.add(name);
                for (String t : shardNames.get(i)) {
                    weightMap.put(t, name);
                }
            }
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = om.createObjectNode();
            root.putObject("metadata").put("total_size", totalBytes);
            ObjectNode wm = root.putObject("weight_map");
            weightMap.forEach(wm::put);
            Path index = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
            Path tmp = dir.resolve("." + SafetensorsCheckpoint.INDEX_FILE + ".tmp");
            om.writeValue(tmp.toFile(), root);
            Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING);
            files.add(SafetensorsCheckpoint.INDEX_FILE);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish shards in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes any temporary shards (after a failure). */
    public void abort() {
        finished = true;
        for (int i = 0; i <= shardNames.size(); i++) {
            try {
                Files.deleteIfExists(tempShard(i));
            } catch (IOException ignored) {
                // best effort cleanup
            }
        }
    }
}
