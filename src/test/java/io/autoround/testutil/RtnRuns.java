package io.autoround.testutil;

import io.autoround.api.AutoRound;
import io.autoround.api.QuantizationReport;
import io.autoround.api.QuantizeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** The quick export the bad-input and safety tests run: model-free pure RTN, W4A16 with group 32, log discarded. */
public final class RtnRuns {
    private RtnRuns() {}

    /** Options of a pure-RTN W4A16 g32 export of {@code model} into {@code out}. */
    public static QuantizeOptions pureW4g32(Path model, Path out) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = model.toString();
        o.scheme = "W4A16";
        o.groupSize = 32;
        o.iters = 0;
        o.disableOptRtn = true;
        o.outputDir = out.toString();
        return o;
    }

    /** Runs {@code o} with its log discarded. */
    public static QuantizationReport quiet(QuantizeOptions o) {
        return new AutoRound(o, new PrintStream(new ByteArrayOutputStream())).quantizeAndSave();
    }
}
