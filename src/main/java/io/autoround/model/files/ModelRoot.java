package io.autoround.model.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a model's files must stay in. Names read from a file (an index's shard names) and links in the folder
 * (a symlinked side file) are resolved to real paths and refused when they lead outside it, so nothing outside is
 * read as a model or copied into an output. Links that stay inside are fine; a Hugging Face cache snapshot
 * ({@code <repo>/snapshots/<rev>}, whose files link to {@code <repo>/blobs/}) is confined to its repo folder.
 */
public final class ModelRoot {
    /** Names of the files a model folder is read or copied through (weights, configs, tokenizer, side files). */
    static final Pattern READ_FILES = Pattern.compile(
            ".*\\.(json|safetensors|model|txt|jinja|py|tiktoken|gguf)|tokenizer.*|vocab\\..*|chat_template.*");

    private final Path dir;
    private final Path root;

    private ModelRoot(Path dir, Path root) {
        this.dir = dir;
        this.root = root;
    }

    /** The root of the model folder {@code modelDir} (which must exist). */
    public static ModelRoot of(Path modelDir) {
        Path real;
        try {
            real = modelDir.toRealPath();
        } catch (IOException e) {
            throw FileAccessException.of(modelDir, e);
        }
        return new ModelRoot(modelDir.toAbsolutePath().normalize(), confinementRoot(real));
    }

    /** The real folder paths are confined to: the model folder, or the repo folder of a hub-cache snapshot. */
    static Path confinementRoot(Path realDir) {
        Path parent = realDir.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                && parent.getParent() != null && Files.isDirectory(parent.getParent().resolve("blobs"))) {
            return parent.getParent();
        }
        return realDir;
    }

    /**
     * Checks every file of the folder the project reads or copies (configs, weights, tokenizer and side files) in one
     * pass, so a link leading outside is refused before any work, whichever reader would meet it first.
     */
    public ModelRoot checkFolder() {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                if (READ_FILES.matcher(p.getFileName().toString()).matches()) {
                    check(p);
                }
            }
        } catch (IOException e) {
            throw FileAccessException.of(dir, e);
        }
        return this;
    }

    /** The confinement root (a real path). */
    public Path root() {
        return root;
    }

    /** A fixed file of the folder (e.g. {@code config.json}), refused when it is a link leading outside the root. */
    public Path file(String name) {
        return check(dir.resolve(name));
    }

    /**
     * {@code name}, as written in {@code source} (e.g. a shard of an index), as a path inside the folder: absolute
     * names, names climbing out with {@code ..} and names resolving through links outside the root are refused.
     */
    public Path resolve(String name, Object source) {
        Path rel;
        try {
            rel = Path.of(name);
        } catch (InvalidPathException e) {
            throw new UnsafePathException(source + " names '" + name + "', which is not a valid file name");
        }
        Path p = dir.resolve(rel).normalize();
        if (name.isEmpty() || rel.isAbsolute() || name.startsWith("/") || name.contains("\\") || !p.startsWith(dir)
                || p.equals(dir)) {
            throw new UnsafePathException(source + " names '" + name + "', which is outside the model folder " + dir
                    + "; only file names inside the folder are allowed");
        }
        return check(p);
    }

    /**
     * {@code p} itself when its real path lies inside the root (or nothing is there yet: the caller reports a missing
     * file); a link leading outside is refused, naming both ends.
     */
    public Path check(Path p) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            return p;
        } catch (IOException e) {
            throw FileAccessException.of(p, e);
        }
        if (!real.startsWith(root)) {
            throw new UnsafePathException(p + " resolves to " + real + ", outside the model folder " + root
                    + "; refusing to read it (replace the link with a copy of the file)");
        }
        return p;
    }
}
