package io.autoround.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The small file every export writes into its folder, so that overwrite can tell a checkpoint this tool wrote
 * (replaceable) from any other folder (never deleted). A quantization_config alone would not do: the reference
 * and downloaded checkpoints carry one too.
 */
public final class CheckpointMarker {
    /** File name inside the checkpoint folder. */
    public static final String FILE = ".autoround-checkpoint.json";
    static final String WRITER = "auto-round-java";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointMarker() {}

    /** Writes the marker into {@code dir}. */
    static void write(Path dir) throws IOException {
        String json = JSON.writeValueAsString(java.util.Map.of("writer", WRITER, "version", Version.VERSION));
        Files.writeString(dir.resolve(FILE), json + "\n");
    }

    /** True when {@code dir} holds a regular marker file (not a link) naming this tool as its writer. */
    public static boolean isPresent(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            if (Files.size(f) > 4096) {
                return false;
            }
            JsonNode n = JSON.readTree(f.toFile());
            return n != null && WRITER.equals(n.path("writer").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
