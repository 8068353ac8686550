package io.autoround.infer.gguf;

import io.autoround.model.config.ModelConfig;
import io.autoround.model.files.FileAccessException;
import io.autoround.model.files.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Decides whether a model argument names a GGUF model: a file, or a folder without config.json holding one .gguf. */
public final class GgufModelFile {
    private GgufModelFile() {}

    /**
     * The GGUF file {@code path} stands for: {@code path} itself when it is a regular file (its header is checked when
     * opened), the single {@code *.gguf} in a folder without config.json; empty for a Hugging Face folder. A folder
     * with several .gguf files fails listing them.
     */
    public static Optional<Path> find(Path path) {
        if (ModelFiles.isRegularFile(path)) {
            return Optional.of(path);
        }
        if (!ModelFiles.isDirectory(path) || ModelFiles.isRegularFile(path.resolve(ModelConfig.FILE))) {
            return Optional.empty();
        }
        List<Path> ggufs;
        try (Stream<Path> s = Files.list(path)) {
            ggufs = s.filter(p -> p.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw FileAccessException.of(path, e);
        }
        if (ggufs.size() > 1) {
            throw new IllegalArgumentException(path + " holds " + ggufs.size() + " GGUF files " + ggufs.stream()
                    .map(p -> p.getFileName().toString()).toList() + "; pass the one to load");
        }
        return ggufs.stream().findFirst();
    }
}
