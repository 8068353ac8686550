package io.autoround.autoscheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.api.AutoRound;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.quant.QuantScheme;
import io.autoround.testutil.SharedData;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on tiny-qwen3-12m: the delta-loss search at a bit budget, RTN with the chosen per-layer schemes, the
 * auto_round export read back, and held-out perplexity against uniform W3A16 pure RTN (same protocol as
 * docs/benchmarks.md: heldout.txt, 256-token windows).
 */
class AutoSchemeTinyQwenTest {
    @TempDir
    Path tmp;

    private static final Path MODEL = SharedData.model("tiny-qwen3-12m");

    /** {@code --iters 0}: pure RTN with {@code disable_opt_rtn}, else optimized RTN (the default). */
    private QuantizeOptions options(String out, boolean pureRtn) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = MODEL.toString();
        o.iters = 0;
        o.disableOptRtn = pureRtn ? Boolean.TRUE : null;
        o.dataset = SharedData.text("wikitext2_valid.txt").toString();
        o.outputDir = tmp.resolve(out).toString();
        return o;
    }

    private static double ppl(Path dir) {
        return AutoRound.perplexity(dir, MODEL.resolve("heldout.txt"), 256, null).perplexity();
    }

    private record Run(AutoSchemeResult result, Path dir, double ppl, double seconds) {
    }

    private Run autoScheme(double avgBits, String options) {
        QuantizeOptions o = options(("as-" + avgBits).replace('.', '_'), false);
        o.autoScheme = new AutoSchemeConfig(avgBits, AutoSchemeConfig.parseOptions(options));
        AutoRound ar = new AutoRound(o, System.out);
        QuantizationReport r = ar.quantizeAndSave();
        AutoSchemeResult res = ar.autoSchemeResult().orElseThrow();
        return new Run(res, r.outputs().get(0), ppl(r.outputs().get(0)), r.seconds());
    }

    /** The checkpoint holds exactly the chosen bits per layer and the saved table agrees. */
    private static void checkReload(Run run) throws Exception {
        try (QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(run.dir())) {
            Map<String, QuantScheme> chosen = run.result().chosenSchemes();
            for (Map.Entry<String, QuantScheme> e : chosen.entrySet()) {
                assertEquals(e.getValue().bits(), ckpt.weights().get(e.getKey()).scheme().bits(), e.getKey());
            }
            assertEquals(chosen.size(), ckpt.weights().size());
        }
        JsonNode table = new ObjectMapper().readTree(Files.readString(run.dir().resolve("auto_scheme.json")));
        assertEquals(run.result().achievedBits(), table.get("achieved_avg_bits").asDouble(), 1e-12);
        assertEquals(42, table.get("layers").size());
    }

    /**
     * The acceptance case: W2A16/W4A16 at 3.0 bits, quantized with the run's default (optimized RTN at iters 0),
     * beats uniform W3A16 pure RTN (3.148 bits per weight). Measured 2026-12-04: average 2.9910, ppl 56.10 against
     * 57.34 (docs/benchmarks.md, "AutoScheme"; pure RTN with the same choice gives 57.56).
     */
    @Test
    void threeBitsFromTwoAndFourBeatsUniformW3Rtn() throws Exception {
        Run run = autoScheme(3.0, "W2A16,W4A16"); // first: the peak RSS it logs is the search's and the run's own
        QuantizeOptions u = options("w3", true);
        u.scheme = "W3A16";
        double w3 = ppl(new AutoRound(u, new PrintStream(PrintStream.nullOutputStream())).quantizeAndSave().outputs().get(0));
        System.out.printf("AutoScheme 3.0 (W2A16,W4A16): avg %.4f ppl %.4f (%.1f s); uniform W3A16 RTN ppl %.4f%n",
                run.result().achievedBits(), run.ppl(), run.seconds(), w3);
        assertTrue(run.result().achievedBits() >= 2.9 && run.result().achievedBits() <= 3.001,
                "achieved " + run.result().achievedBits());
        assertTrue(run.ppl() < w3, "AutoScheme ppl " + run.ppl() + " must beat uniform W3A16 RTN " + w3);
        checkReload(run);
    }
}
