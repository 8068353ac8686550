package io.autoround.export;

import io.autoround.model.tokenizer.SentencePieceConverter;
import io.autoround.model.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.model.files.FileAccessException;
import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The non-weight files of a model folder: reads {@code config.json}, writes the quantized configs, and copies the
 * tokenizer, processor, generation and custom-code files byte for byte (what the reference saves next to the
 * weights).
 */
public final class ModelSideFiles {
    /** Files copied from the source model folder. */
    private static final Pattern COPIED = Pattern.compile(
            "generation_config\\.json|tokenizer.*|special_tokens_map\\.json|added_tokens\\.json|vocab\\..*"
                    + "|merges\\.txt|chat_template.*|preprocessor_config\\.json|processor_config\\.json"
                    + "|video_preprocessor_config\\.json|.*\\.py|.*\\.tiktoken");

    private ModelSideFiles() {}

    /** The source {@code config.json} as an order-preserving object. */
    public static ObjectNode readConfig(Path modelDir) {
        Path file = ModelRoot.of(modelDir).file("config.json");
        if (!ModelFiles.isRegularFile(file)) {
            throw new ExportException("source model folder " + modelDir + " has no config.json");
        }
        byte[] bytes = ModelFiles.readAllBytes(file);
        try {
            JsonNode node = PythonJson.MAPPER.readTree(bytes);
            if (!(node instanceof ObjectNode obj)) {
                throw new ExportException(file + " is not a JSON object");
            }
            return obj;
        } catch (IOException e) {
            throw new ExportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code config.json} and {@code quantization_config.json} into {@code dir}. */
    public static void writeConfigs(Path dir, ObjectNode sourceConfig, ObjectNode quantizationConfig,
            ConfigJsonStyle style) {
        write(dir.resolve("config.json"), style.render(sourceConfig, quantizationConfig));
        write(dir.resolve("quantization_config.json"), PythonJson.dumps(quantizationConfig, false));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExportException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the side files of {@code sourceDir} into {@code dir}; returns their names. A side file that is a link
     * leading outside the model folder is refused, never copied (it could expose any file of the machine).
     */
    public static List<String> copySideFiles(Path sourceDir, Path dir) {
        ModelRoot root = ModelRoot.of(sourceDir);
        List<String> copied = new ArrayList<>();
        try (Stream<Path> files = Files.list(sourceDir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (COPIED.matcher(name).matches() && ModelFiles.isRegularFile(root.check(p))) {
                    try {
                        Files.copy(p, dir.resolve(name));
                    } catch (java.nio.file.AccessDeniedException e) {
                        throw FileAccessException.permissionDenied(Files.isReadable(p) ? dir.resolve(name) : p, e);
                    }
                    copied.add(name);
                }
            }
            if (copied.contains(SentencePieceConverter.MODEL_FILE) && !copied.contains(TextTokenizer.TOKENIZER_FILE)) {
                // transformers saves the fast tokenizer it converted from tokenizer.model; so do we
                JsonNode config = copied.contains(TextTokenizer.CONFIG_FILE)
                        ? PythonJson.MAPPER.readTree(dir.resolve(TextTokenizer.CONFIG_FILE).toFile()) : null;
                JsonNode json = SentencePieceConverter.convert(dir.resolve(SentencePieceConverter.MODEL_FILE), config);
                Files.writeString(dir.resolve(TextTokenizer.TOKENIZER_FILE),
                        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                                .writeValueAsString(json), StandardCharsets.UTF_8);
                copied.add(TextTokenizer.TOKENIZER_FILE);
            }
        } catch (IOException e) {
            throw new ExportException("cannot copy model files from " + sourceDir + ": " + e.getMessage(), e);
        }
        return copied;
    }
}
