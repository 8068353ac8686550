package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a refused job request must leave alone: the model folder (hashed: names, link targets, bytes) and the
 * output root (the list of every entry, hidden temp folders included).
 */
record FolderState(String modelHash, List<String> outputEntries) {

    static FolderState of(Path model, Path outputRoot) {
        return new FolderState(hash(model), entries(outputRoot));
    }

    /** Asserts nothing changed since {@code before} and no temp folder lies in the output root. */
    void assertUnchanged(Path model, Path outputRoot, String what) {
        assertEquals(modelHash, hash(model), what + ": the model folder changed");
        List<String> now = entries(outputRoot);
        assertEquals(outputEntries, now, what + ": the output root changed");
        assertTrue(now.stream().noneMatch(e -> e.contains(".tmp")), what + ": a temp folder remains: " + now);
    }

    static String hash(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : s.sorted().toList()) {
                md.update(dir.relativize(p).toString().getBytes());
                if (Files.isSymbolicLink(p)) {
                    md.update(Files.readSymbolicLink(p).toString().getBytes());
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    md.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> entries(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A writable copy of the tiny stories260K model from ../shared/data (or the embedded demo copy). */
    static Path copyTinyModel(Path target) throws IOException {
        Path src = sharedModel("stories260k-hf");
        return copy(src == null ? io.autoround.api.DemoAssets.model() : src, target);
    }

    /** A model folder of the shared test data's data/models, or null when this checkout has none. */
    static Path sharedModel(String name) {
        Path candidate = sharedDir().resolve("data/models").resolve(name);
        return Files.isRegularFile(candidate.resolve("config.json")) ? candidate : null;
    }

    /** The shared test data: -Dautoround.shared.dir (set by the pom and bin/test), else ../shared of the project. */
    static Path sharedDir() {
        return Path.of(System.getProperty("autoround.shared.dir", "../../shared")).toAbsolutePath().normalize();
    }

    /** A writable copy of a model folder's files. */
    static Path copy(Path src, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
                target.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return target;
    }
}
