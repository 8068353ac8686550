package io.autoround.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path tmp;

    private static List<TensorData> copyAll(TensorSource src) {
        List<TensorData> out = new ArrayList<>();
        for (TensorInfo t : src.tensors()) {
            out.add(new TensorData(t.name(), t.dtype(), t.shape(), src.readBytes(t.name())));
        }
        return out;
    }

    @Test
    void rewritingReferenceFilesGivesIdenticalBytes() throws Exception {
        for (String rel : List.of("formats/W4A16-auto_round/model.safetensors", "formats/source-qwen3/model.safetensors",
                "formats/W4A16-auto_gptq/source-qwen3-w4g128/model.safetensors")) {
            Path golden = SharedData.golden(rel);
            Path out = tmp.resolve(rel.replace('/', '_'));
            try (SafetensorsFile f = SafetensorsFile.open(golden)) {
                Map<String, String> meta = f.metadata().isEmpty() ? null : f.metadata();
                SafetensorsWriter.write(out, meta, copyAll(f));
            }
            assertArrayEquals(Files.readAllBytes(golden), Files.readAllBytes(out), rel);
        }
    }

    @Test
    void widensBf16AndF16Exactly() {
        try (SafetensorsFile f = SafetensorsFile.open(SharedData.golden("formats/W4A16-auto_round/model.safetensors"))) {
            TensorInfo norm = f.info("model.norm.weight");
            assertEquals(DType.BF16, norm.dtype());
            float[] w = f.readFloats("model.norm.weight");
            int[] raw = f.readInts("model.norm.weight");
            for (int i = 0; i < w.length; i++) {
                assertEquals(raw[i] << 16, Float.floatToRawIntBits(w[i]));
            }
            float[] s = f.readFloats("model.layers.0.mlp.down_proj.scales");
            int[] sraw = f.readInts("model.layers.0.mlp.down_proj.scales");
            for (int i = 0; i < s.length; i++) {
                assertEquals(sraw[i], Float.floatToFloat16(s[i]) & 0xFFFF);
                assertTrue(s[i] != 0f, "scales are non-zero");
            }
        }
    }

    @Test
    void bf16RoundingIsNearestEven() {
        assertEquals((short) 0x3F80, TensorData.floatToBf16(1.0f));
        // 1 + 2^-8 is exactly halfway between 1 and 1 + 2^-7: ties to even (1.0)
        assertEquals((short) 0x3F80, TensorData.floatToBf16(1.0f + 0x1p-8f));
        // 1 + 3*2^-8 is halfway between 1+2^-7 (odd) and 1+2^-6 (even): rounds up
        assertEquals((short) 0x3F82, TensorData.floatToBf16(1.0f + 3 * 0x1p-8f));
        assertEquals((short) 0x3F81, TensorData.floatToBf16(1.0f + 0x1p-8f + 0x1p-20f));
    }

    @Test
    void shardsAndIndexRoundTrip() {
        Path dir = tmp.resolve("sharded");
        List<TensorData> tensors = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            float[] v = new float[1000];
            for (int j = 0; j < v.length; j++) {
                v[j] = i * 1000 + j * 0.5f;
            }
            tensors.add(TensorData.ofFloats("layer." + i + ".weight", new long[] {10, 100}, v, DType.F32));
        }
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(dir, 9000, Map.of("format", "pt"));
        tensors.forEach(w::add);
        List<String> files = w.finish();
        assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors", "model.safetensors.index.json"), files);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertEquals(7, c.tensors().size());
            for (int i = 0; i < 7; i++) {
                float[] v = c.readFloats("layer." + i + ".weight");
                assertEquals(i * 1000 + 999 * 0.5f, v[999]);
            }
        }
        try (var s = java.nio.file.Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void singleShardWritesPlainFile() {
        Path dir = tmp.resolve("single");
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(dir, 1L << 30, null);
        w.add(TensorData.ofInts("a", new long[] {3}, new int[] {1, -2, 3}, DType.I32));
        assertEquals(List.of("model.safetensors"), w.finish());
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertArrayEquals(new int[] {1, -2, 3}, c.readInts("a"));
        }
    }
}
