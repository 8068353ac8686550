package io.autoround.api;

import io.autoround.testutil.SharedData;
import java.nio.file.Path;

/** The CI-sized calibrated runs on stories260K shared by the end-to-end tests: TinyStories calibration, batch 8. */
final class StoriesRuns {
    private StoriesRuns() {
    }

    /** Options for stories260K with {@code nsamples x seqlen} tokens of tinystories_train_sample.txt. */
    static QuantizeOptions options(String scheme, int iters, int nsamples, int seqlen, Path outputDir) {
        QuantizeOptions o = new QuantizeOptions();
        o.model = SharedData.model("stories260k-hf").toString();
        o.scheme = scheme;
        o.iters = iters;
        o.nsamples = nsamples;
        o.seqlen = seqlen;
        o.batchSize = 8;
        o.dataset = SharedData.text("tinystories_train_sample.txt").toString();
        if (outputDir != null) {
            o.outputDir = outputDir.toString();
        }
        return o;
    }
}
