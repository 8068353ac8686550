package io.autoround.cli;

import io.autoround.api.AutoRound;
import io.autoround.api.DemoAssets;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import io.autoround.eval.Perplexity;
import java.nio.file.Path;

/**
 * {@code auto-round} with no --model: quantizes the embedded stories260K demo model on the embedded public-domain
 * calibration corpus, and reports perplexity on the embedded evaluation text before and after.
 */
final class DemoRun {
    private DemoRun() {}

    static QuantizationReport run(QuantizeOptions o, boolean outputDirGiven) {
        Path model = DemoAssets.model();
        Path text = o.evalText != null ? Path.of(o.evalText) : DemoAssets.evalText();
        if (o.dataset == null) {
            o.dataset = "embedded";
        }
        if (o.seqlen == null) {
            o.seqlen = 256; // with 64 samples this keeps the demo to a few minutes on a 2-core CPU; flags override
        }
        if (o.nsamples == null) {
            o.nsamples = 64;
        }
        if (!outputDirGiven) {
            o.overwrite = true; // the demo's own default folder is replaced on every run
        }
        System.err.println("No --model given: quantizing the embedded demo model " + DemoAssets.MODEL_NAME + " (" + model + ")");
        Perplexity.Result before = AutoRound.perplexity(model, text, o.evalSeqlen, bar("ppl fp32"));
        QuantizationReport report = new AutoRound(o, System.err).withListener(new TerminalProgress(System.err)).quantizeAndSave();
        Path out = report.outputs().get(0);
        Perplexity.Result after = AutoRound.perplexity(out, text, o.evalSeqlen, bar("ppl " + report.scheme()));
        System.out.printf("%nDemo: %s, %s with %s%n", DemoAssets.MODEL_NAME, report.scheme(), report.algorithm());
        System.out.printf("  perplexity on %s (%d-token windows):%n", text.getFileName(), o.evalSeqlen);
        System.out.printf("    before (fp32)     %.4f%n", before.perplexity());
        System.out.printf("    after  (%-8s)  %.4f%n", report.scheme(), after.perplexity());
        System.out.printf("  checkpoint: %s%n", out.toAbsolutePath().normalize());
        System.out.printf("  took %.1f s, %s%n", report.seconds(), io.autoround.engine.HostMemory.peakRssSummary());
        return report;
    }

    private static Perplexity.Progress bar(String label) {
        return new ProgressBar(System.err, label).interruptible();
    }
}
