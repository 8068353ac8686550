package io.autoround.infer.gguf;

import ai.djl.Device;
import io.autoround.export.gguf.GgufArchitecture;
import io.autoround.export.gguf.GgufReader;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.nn.DecoderModel;
import io.autoround.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a GGUF file (llama, qwen2, qwen3) for evaluation and generation: the config from its metadata, every tensor
 * dequantized once to fp32 (the "dequant-fp32" path; no packed GGUF kernels), and its tokenizer.
 */
public final class GgufModelLoader {
    /** How the weights are served, for messages. */
    public static final String BACKEND_DESCRIPTION = "dequantized fp32 (GGUF blocks dequantized once at load)";

    private GgufModelLoader() {}

    /** The model's config, read from the file's metadata. */
    public static ModelConfig config(Path file) {
        try (GgufReader r = GgufReader.open(file)) {
            return GgufModelConfig.read(r, file);
        }
    }

    /** The model with every weight dequantized to fp32 on {@code device}. */
    public static DecoderModel load(Path file, Device device) {
        GgufReader r = GgufReader.open(file);
        ModelConfig config;
        GgufTensorSource source;
        try {
            config = GgufModelConfig.read(r, file);
            source = new GgufTensorSource(r, GgufArchitecture.ofGgufName(config.modelType(), file), config, file);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        try (source) { // closes the reader
            return DecoderModel.load(config, source, device);
        }
    }

    /**
     * The tokenizer for the GGUF file: {@code tokenizerDir} when given (a folder with tokenizer.json), else one
     * rebuilt from the file's byte-level BPE vocabulary, else a tokenizer.json next to the file; otherwise a clear
     * error saying why and what to pass.
     */
    public static TextTokenizer tokenizer(Path file, Path tokenizerDir) {
        if (tokenizerDir != null) {
            return TextTokenizer.load(tokenizerDir);
        }
        Optional<String> why;
        try (GgufReader r = GgufReader.open(file)) {
            why = GgufTokenizerFiles.unsupportedReason(r);
            if (why.isEmpty()) {
                return rebuilt(r, file);
            }
        }
        Path sibling = file.toAbsolutePath().getParent();
        if (sibling != null && Files.isRegularFile(sibling.resolve(TextTokenizer.TOKENIZER_FILE))) {
            return TextTokenizer.load(sibling);
        }
        throw new UnsupportedOperationException("no tokenizer for " + file + ": " + why.get() + ", and there is no "
                + TextTokenizer.TOKENIZER_FILE + " next to it; pass --tokenizer <folder with tokenizer.json>");
    }

    private static TextTokenizer rebuilt(GgufReader r, Path file) {
        Path dir;
        try {
            dir = Files.createTempDirectory("gguf-tokenizer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder for the tokenizer of " + file, e);
        }
        try {
            GgufTokenizerFiles.write(r, dir);
            return TextTokenizer.load(dir); // the HF tokenizer has read the file: the folder can go
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp folder is harmless; the tokenizer is already loaded
        }
    }
}
