package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nblocks = 2}: consecutive blocks are tuned jointly against the output of the last one. */
class MultiBlockTuningTest {
    @TempDir
    Path tmp;

    @Test
    void pairsOfBlocksAreTunedTogether() {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.scheme = "W2A16G32";
        o.iters = 20;
        o.nsamples = 16;
        o.seqlen = 64;
        o.nblocks = 2;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.outputDir = tmp.toString();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(List.of("model.layers.0-1", "model.layers.2-3", "model.layers.4"),
                r.blocks().stream().map(BlockReport::name).toList());
        assertEquals(List.of(8, 8, 4), r.blocks().stream().map(BlockReport::layers).toList());
        BlockReport first = r.blocks().get(0);
        assertTrue(first.tunedLoss() < first.rtnLoss(), "joint tuning beats RTN on blocks 0-1: " + first);
        assertEquals(20, r.quantizedLayers());
    }
}
