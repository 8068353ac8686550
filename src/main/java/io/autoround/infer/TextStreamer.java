package io.autoround.infer;

import io.autoround.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns streamed token ids into text pieces: decodes everything generated so far and emits the new suffix, holding
 * back while the text ends in an incomplete character (U+FFFD from a split multi-byte sequence).
 */
public final class TextStreamer implements TokenListener {
    private final TextTokenizer tokenizer;
    private final Consumer<String> sink;
    private final List<Long> ids = new ArrayList<>();
    private String emitted = "";

    public TextStreamer(TextTokenizer tokenizer, Consumer<String> sink) {
        this.tokenizer = tokenizer;
        this.sink = sink;
    }

    @Override
    public void onToken(long id) {
        ids.add(id);
        String text = tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray());
        if (text.endsWith("\uFFFD") || !text.startsWith(emitted)) {
            return;
        }
        String piece = text.substring(emitted.length());
        emitted = text;
        if (!piece.isEmpty()) {
            sink.accept(piece);
        }
    }

    /** All text decoded so far. */
    public String text() {
        return tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray());
    }
}
