package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignRound's optimizer options end to end on the real stories260K model (CI-sized): with {@code enable_adam}
 * (AdamW) and with {@code momentum 0.9} every block's tuned loss is below its round-to-nearest loss, and each option
 * reaches the tuner (its block losses differ from plain sign-SGD's on the same data and seed).
 */
class SignRoundOptimizerStoriesTest {
    private static final int ITERS = 20;

    @TempDir
    Path tmp;

    private QuantizeOptions options(String out) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.scheme = "W2A16G32";
        o.iters = ITERS;
        o.nsamples = 16;
        o.seqlen = 128;
        o.batchSize = 8;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        o.outputDir = tmp.resolve(out).toString();
        return o;
    }

    private static List<BlockReport> tunedBlocks(QuantizeOptions o, String label) {
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        assertEquals(Algorithm.SIGN_ROUND, r.algorithm());
        List<BlockReport> blocks = r.blocks();
        assertEquals(5, blocks.size());
        for (BlockReport b : blocks) {
            System.out.printf("%s %s: RTN loss %.6g -> tuned %.6g%n", label, b.name(), b.rtnLoss(), b.tunedLoss());
            assertTrue(b.tunedLoss() < b.rtnLoss(), label + " " + b.name() + ": tuned " + b.tunedLoss()
                    + " vs RTN " + b.rtnLoss());
        }
        return blocks;
    }

    @Test
    void adamAndMomentumTuneEveryBlockBelowRoundToNearest() {
        List<BlockReport> sign = tunedBlocks(options("sign"), "sign-SGD");

        QuantizeOptions adam = options("adam");
        adam.enableAdam = true;
        List<BlockReport> adamBlocks = tunedBlocks(adam, "AdamW");

        QuantizeOptions momentum = options("momentum");
        momentum.momentum = 0.9;
        List<BlockReport> momentumBlocks = tunedBlocks(momentum, "momentum 0.9");

        // block 0 sees the same inputs in all three runs, so a different loss means a different optimizer ran
        assertEquals(sign.get(0).rtnLoss(), adamBlocks.get(0).rtnLoss(), 1e-12);
        assertNotEquals(sign.get(0).tunedLoss(), adamBlocks.get(0).tunedLoss());
        assertNotEquals(sign.get(0).tunedLoss(), momentumBlocks.get(0).tunedLoss());
    }
}
