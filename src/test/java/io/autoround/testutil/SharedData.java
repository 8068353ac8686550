package io.autoround.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only shared test assets (../shared from the project root). */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        Path p = Path.of(System.getProperty("autoround.shared.dir", "../shared")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("shared test data not found at " + p + " (set -Dautoround.shared.dir)");
        }
        return p;
    }

    public static Path model(String name) {
        return root().resolve("data/models").resolve(name);
    }

    public static Path text(String file) {
        return root().resolve("data/text").resolve(file);
    }

    public static Path golden(String rel) {
        return root().resolve("golden").resolve(rel);
    }
}
