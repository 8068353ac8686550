package io.autoround.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.engine.DeterminismSettings;
import io.autoround.engine.DeterministicMode;
import io.autoround.engine.TorchGlobalContext;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignRound end to end on the real stories260K model and TinyStories text, CI-sized: every block's tuned loss is
 * below its round-to-nearest loss, the exported model's perplexity beats pure RTN, and runs with
 * {@code enable_deterministic_algorithms} (torch's strict deterministic mode, checked in place) are byte-identical.
 */
class SignRoundStoriesTest {
    @TempDir
    Path tmp;

    private QuantizeOptions options(String out, int iters) {
        QuantizeOptions o = StoriesRuns.options("W2A16G32", iters, 32, 128, tmp.resolve(out));
        o.enableDeterministicAlgorithms = true;
        return o;
    }

    private static QuantizationReport run(QuantizeOptions o) {
        return new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
    }

    private static double ppl(Path model, Path text) {
        return AutoRound.perplexity(model, text, 256, null).perplexity();
    }

    @Test
    void tunedBlocksBeatRoundToNearestAndTheExportIsReproducible() throws Exception {
        Path evalText = tmp.resolve("eval.txt");
        String valid = Files.readString(SharedData.text("tinystories_valid_sample.txt"));
        Files.writeString(evalText, valid.substring(0, 100_000));

        QuantizationReport tuned = run(options("tuned", 50));
        assertEquals(Algorithm.SIGN_ROUND, tuned.algorithm());
        assertEquals(20, tuned.quantizedLayers(), "q/k/v/o of 5 blocks (MLP widths 172 are not multiples of 32)");
        List<BlockReport> blocks = new ArrayList<>(tuned.blocks());
        assertEquals(5, blocks.size());
        for (BlockReport b : blocks) {
            System.out.printf("%s: RTN loss %.6g -> tuned %.6g%n", b.name(), b.rtnLoss(), b.tunedLoss());
            assertTrue(b.tunedLoss() < b.rtnLoss(), b.name() + ": tuned " + b.tunedLoss() + " vs RTN " + b.rtnLoss());
        }

        QuantizeOptions rtnOptions = options("rtn", 0);
        rtnOptions.disableOptRtn = true;
        QuantizationReport rtn = run(rtnOptions);
        double fp = ppl(SharedData.model("stories260k-hf"), evalText);
        double pRtn = ppl(rtn.outputs().get(0), evalText);
        double pTuned = ppl(tuned.outputs().get(0), evalText);
        System.out.printf("stories260K W2A16G32 ppl: fp32 %.4f, RTN %.4f, SignRound %.4f%n", fp, pRtn, pTuned);
        assertTrue(pTuned < pRtn, "SignRound " + pTuned + " must beat RTN " + pRtn);
        assertTrue(pTuned > fp, "quantization costs something: " + pTuned + " vs fp " + fp);

        byte[] first = deterministicRun("first");
        byte[] second = deterministicRun("second");
        assertArrayEquals(first, second, "same seed, same data, deterministic flag on: same bytes");
        assertFalse(TorchGlobalContext.open().deterministicAlgorithms(), "torch's flag is restored after the run");
    }

    /** A short quantize+save with enable_deterministic_algorithms; checks the measures were in place. */
    private byte[] deterministicRun(String out) throws Exception {
        QuantizeOptions o = options(out, 6);
        o.nsamples = 16;
        o.seed = 1234;
        AutoRound ar = new AutoRound(o, new PrintStream(new ByteArrayOutputStream()));
        QuantizationReport r = ar.quantizeAndSave();
        DeterminismSettings s = ar.determinism().orElseThrow();
        assertTrue(s.deterministicAlgorithms() && !s.warnOnly(), "strict torch.use_deterministic_algorithms: " + s);
        assertTrue(s.cudnnDeterministic() && !s.cudnnBenchmark(), s.toString());
        assertEquals(DeterministicMode.CUBLAS_WORKSPACE_CONFIG, s.cublasWorkspaceConfig());
        assertEquals(1234, s.seed());
        return Files.readAllBytes(r.outputs().get(0).resolve("model.safetensors"));
    }
}
