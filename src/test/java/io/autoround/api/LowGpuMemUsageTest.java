package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeping cached activations on a separate host manager (low_gpu_mem_usage) must not change the result. */
class LowGpuMemUsageTest {
    @TempDir
    Path tmp;

    private Path run(boolean lowMem) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.iters = 5;
        o.nsamples = 8;
        o.seqlen = 64;
        o.batchSize = 4;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.lowGpuMemUsage = lowMem;
        o.outputDir = tmp.resolve("low-" + lowMem).toString();
        return new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave().outputs().get(0);
    }

    @Test
    void sameBytesWithAndWithoutOffloadedActivations() throws Exception {
        assertArrayEquals(Files.readAllBytes(run(false).resolve("model.safetensors")),
                Files.readAllBytes(run(true).resolve("model.safetensors")));
    }
}
