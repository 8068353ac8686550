package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.nn.BlockResidency;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * low_cpu_mem_usage (block streaming) changes only when weights are loaded: a short SignRound run must write the same
 * bytes as the fully loaded model, and at no time may more than the block being worked on be held.
 */
class LowCpuMemUsageTest {
    @TempDir
    Path tmp;

    private QuantizeOptions options(String model, boolean streaming) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model(model).toString();
        o.iters = 5;
        o.nsamples = 8;
        o.seqlen = 64;
        o.batchSize = 4;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.lowCpuMemUsage = streaming;
        o.outputDir = tmp.resolve(model + "-" + streaming).toString();
        return o;
    }

    private Path run(QuantizeOptions o, ProgressListener listener, ByteArrayOutputStream log) {
        return new AutoRound(o, new PrintStream(log, true, StandardCharsets.UTF_8)).withListener(listener)
                .quantizeAndSave().outputs().get(0);
    }

    /** stories260K is stored in fp32, tiny-qwen3-12m in bf16 (widened off-heap when streamed). */
    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tiny-qwen3-12m"})
    void streamingWritesTheSameBytesAsTheFullyLoadedModel(String model) throws IOException {
        ByteArrayOutputStream fullLog = new ByteArrayOutputStream();
        ByteArrayOutputStream streamLog = new ByteArrayOutputStream();
        Path full = run(options(model, false), new ProgressListener() {}, fullLog);
        Path streamed = run(options(model, true), new ProgressListener() {}, streamLog);
        assertTrue(fullLog.toString(StandardCharsets.UTF_8).contains("low_cpu_mem_usage off"), fullLog.toString());
        assertTrue(streamLog.toString(StandardCharsets.UTF_8).contains("low_cpu_mem_usage: reading each block"), streamLog.toString());
        List<Path> files = files(full);
        assertEquals(files, files(streamed), "same files written");
        assertTrue(files.stream().anyMatch(p -> p.toString().endsWith(".safetensors")), files.toString());
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(streamed.resolve(f)), f + " differs");
        }
    }

    @Test
    void eachBlockIsLoadedOnlyAfterThePreviousOneWasReleased() {
        List<BlockResidency> events = new ArrayList<>();
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void blockResidency(BlockResidency event) {
                events.add(event);
            }
        };
        run(options("tiny-qwen3-12m", true), recorder, new ByteArrayOutputStream());
        int blocks = 6;
        assertEquals(2 * blocks, events.size(), "one load and one release per block: " + events);
        for (int i = 0; i < blocks; i++) {
            BlockResidency load = events.get(2 * i);
            BlockResidency release = events.get(2 * i + 1);
            assertEquals(new BlockResidency(i, true, load.blockBytes(), 1, load.blockBytes()), load,
                    "block " + i + " is loaded when nothing else is held");
            assertEquals(new BlockResidency(i, false, load.blockBytes(), 0, 0), release, "block " + i + " released");
            // q,k,v,o, gate,up,down, two norms and the q/k norms of one tiny-qwen3 block in fp32
            long expected = 4L * (384 * 384 + 2 * 384 * 128 + 384 * 384 + 3 * 384 * 1024 + 2 * 384 + 2 * 64);
            assertEquals(expected, load.blockBytes(), "bytes of one block's fp32 weights");
        }

        events.clear();
        run(options("stories260k-hf", false), recorder, new ByteArrayOutputStream());
        assertEquals(List.of(), events, "the fully loaded model streams nothing");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }
}
