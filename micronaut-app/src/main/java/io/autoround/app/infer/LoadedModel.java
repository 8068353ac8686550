package io.autoround.app.infer;

import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import java.nio.file.Path;

/** A model ready for inference, with its tokenizer and the backend that loaded it. */
public record LoadedModel(Path dir, String backend, DecoderModel model, TextTokenizer tokenizer) implements AutoCloseable {
    @Override
    public void close() {
        try (tokenizer) {
            model.close();
        }
    }
}
