package io.autoround.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Relative path -> SHA-256 of every entry under a folder (links recorded as their target), to prove nothing changed. */
public final class FolderSnapshot {
    private FolderSnapshot() {}

    public static Map<String, String> of(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link:" + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } else {
                    out.put(rel, "dir");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Copies a folder's regular files (one level) into {@code target}, writable. */
    public static Path copy(Path source, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> s = Files.list(source)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    Files.copy(p, target.resolve(p.getFileName().toString()));
                    target.resolve(p.getFileName().toString()).toFile().setWritable(true, true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
