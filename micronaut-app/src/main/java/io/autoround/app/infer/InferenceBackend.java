package io.autoround.app.infer;

import java.nio.file.Path;

/** A way of running a (quantized or fp) checkpoint for generation and perplexity. */
public interface InferenceBackend {
    /** Name used in requests ({@code backend}) and answers. */
    String name();

    /** True when this backend can run the checkpoint in {@code dir}. */
    boolean supports(Path dir);

    /** Preference among the backends that support a checkpoint; higher wins in auto-selection. */
    int priority(Path dir);

    /** Loads the checkpoint. */
    LoadedModel load(Path dir);
}
