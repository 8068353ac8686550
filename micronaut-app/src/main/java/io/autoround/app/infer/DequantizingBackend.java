package io.autoround.app.infer;

import io.autoround.api.ModelLoader;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs any checkpoint the core reads: fp as is, quantized ones dequantized once to fp32 at load. */
@Singleton
public class DequantizingBackend implements InferenceBackend {
    public static final String NAME = "dequantized-fp32";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json"));
    }

    @Override
    public int priority(Path dir) {
        return 0; // the universal fallback: packed-weight kernels, when present, should outrank it
    }

    @Override
    public LoadedModel load(Path dir) {
        DecoderModel m = ModelLoader.load(dir);
        try {
            return new LoadedModel(dir, NAME, m, TextTokenizer.load(dir));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
