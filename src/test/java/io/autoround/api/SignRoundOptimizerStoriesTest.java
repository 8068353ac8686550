package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import io.autoround.tune.SignRoundSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignRound's optimizer options end to end on the real stories260K model (CI-sized): with {@code enable_adam}
 * (AdamW) and with {@code momentum 0.9} every block's tuned loss is below its round-to-nearest loss; both options
 * reach the tuner's settings.
 */
class SignRoundOptimizerStoriesTest {
    private static final int ITERS = 10;

    @TempDir
    Path tmp;

    private QuantizeOptions options(String out) {
        return StoriesRuns.options("W2A16G32", ITERS, 8, 64, tmp.resolve(out));
    }

    private static void tunedBlocks(QuantizeOptions o, String label) {
        long t0 = System.nanoTime();
        QuantizationReport r = new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
        System.out.printf("%s: %.1f s total, blocks %.1f s%n", label, (System.nanoTime() - t0) / 1e9,
                r.blocks().stream().mapToDouble(BlockReport::seconds).sum());
        assertEquals(Algorithm.SIGN_ROUND, r.algorithm());
        List<BlockReport> blocks = r.blocks();
        assertEquals(5, blocks.size());
        for (BlockReport b : blocks) {
            System.out.printf("%s %s: RTN loss %.6g -> tuned %.6g%n", label, b.name(), b.rtnLoss(), b.tunedLoss());
            assertTrue(b.tunedLoss() < b.rtnLoss(), label + " " + b.name() + ": tuned " + b.tunedLoss()
                    + " vs RTN " + b.rtnLoss());
        }
    }

    @Test
    void adamTunesEveryBlockBelowRoundToNearest() {
        QuantizeOptions adam = options("adam");
        adam.enableAdam = true;
        tunedBlocks(adam, "AdamW");
    }

    @Test
    void momentumTunesEveryBlockBelowRoundToNearest() {
        QuantizeOptions momentum = options("momentum");
        momentum.momentum = 0.9;
        tunedBlocks(momentum, "momentum 0.9");
    }

    @Test
    void theOptionsReachTheTunerSettings() {
        QuantizeOptions o = options("unused");
        assertFalse(BlockwisePass.signRoundSettings(o).enableAdam());
        assertEquals(0.0, BlockwisePass.signRoundSettings(o).momentum());
        o.enableAdam = true;
        o.momentum = 0.9;
        SignRoundSettings s = BlockwisePass.signRoundSettings(o);
        assertTrue(s.enableAdam());
        assertEquals(0.9, s.momentum());
        assertEquals(1.0 / ITERS, s.lrFor(2), 1e-15, "AdamRound keeps the reference's 1/iters default lr");
    }
}
