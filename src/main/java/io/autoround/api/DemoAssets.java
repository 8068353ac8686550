package io.autoround.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo model (stories260K) and evaluation text shipped inside the library, extracted on first use so that
 * the main job runs on a fresh machine with no hub access.
 */
public final class DemoAssets {
    public static final String MODEL_NAME = "stories260K (embedded demo)";
    private static final String BASE = "/io/autoround/demo/";
    private static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");
    private static final String EVAL_TEXT = "tinystories_valid_excerpt.txt";

    private DemoAssets() {}

    /** Folder the demo assets are extracted to: {@code $AUTOROUND_CACHE} or ~/.cache/autoround/demo. */
    public static Path cacheDir() {
        String env = System.getenv("AUTOROUND_CACHE");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "autoround");
        return base.resolve("demo-" + io.autoround.Version.VERSION);
    }

    /** The extracted demo model folder. */
    public static Path model() {
        Path dir = cacheDir().resolve("stories260k");
        for (String f : MODEL_FILES) {
            extract("stories260k/" + f, dir.resolve(f));
        }
        return dir;
    }

    /** The extracted demo evaluation text. */
    public static Path evalText() {
        Path p = cacheDir().resolve(EVAL_TEXT);
        extract(EVAL_TEXT, p);
        return p;
    }

    private static void extract(String resource, Path target) {
        if (Files.isRegularFile(target)) {
            return;
        }
        try (InputStream in = DemoAssets.class.getResourceAsStream(BASE + resource)) {
            if (in == null) {
                throw new IllegalStateException("demo asset " + resource + " is missing from the library jar");
            }
            Files.createDirectories(target.getParent());
            // a temp name of its own per caller: concurrent first uses (50 service requests at once) must not
            // replace each other's half-written copy
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract demo asset to " + target + ": " + e.getMessage(), e);
        }
    }
}
