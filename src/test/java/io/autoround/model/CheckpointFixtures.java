package io.autoround.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.cli.Main;
import io.autoround.model.safetensors.SafetensorsFile;
import io.autoround.model.safetensors.SafetensorsWriter;
import io.autoround.model.safetensors.TensorData;
import io.autoround.model.safetensors.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Damaged copies of the shared tiny models, folder hashes, and the in-process CLI with its real error handler. */
final class CheckpointFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFixtures() {}

    /** A writable copy of a shared model folder (regular files only). */
    static Path copyModel(Path shared, Path into) throws IOException {
        Files.createDirectories(into);
        try (Stream<Path> s = Files.list(shared)) {
            for (Path p : s.toList()) {
                Path copy = Files.copy(p, into.resolve(p.getFileName().toString()));
                copy.toFile().setWritable(true, true); // shared files are read-only; the copy is ours to damage
            }
        }
        return into;
    }

    /** Rewrites {@code model.safetensors} of {@code dir} with {@code edit} applied to its tensors. */
    static void editTensors(Path dir, UnaryOperator<List<TensorData>> edit) throws IOException {
        Path file = dir.resolve("model.safetensors");
        List<TensorData> tensors = new ArrayList<>();
        Map<String, String> metadata;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            metadata = f.metadata();
            for (TensorInfo t : f.tensors()) {
                tensors.add(new TensorData(t.name(), t.dtype(), t.shape(), f.readBytes(t.name())));
            }
        }
        List<TensorData> edited = edit.apply(tensors);
        Files.delete(file);
        SafetensorsWriter.write(file, Map.copyOf(metadata), edited);
    }

    /** {@code tensors} with the one called {@code name} replaced by {@code replacement}. */
    static List<TensorData> replace(List<TensorData> tensors, String name, UnaryOperator<TensorData> replacement) {
        List<TensorData> out = new ArrayList<>();
        boolean found = false;
        for (TensorData t : tensors) {
            if (t.name().equals(name)) {
                out.add(replacement.apply(t));
                found = true;
            } else {
                out.add(t);
            }
        }
        assertTrue(found, "fixture: no tensor " + name);
        return out;
    }

    /** Sets one field of {@code dir/config.json} to a JSON value. */
    static void editConfig(Path dir, String field, String jsonValue) throws IOException {
        Path file = dir.resolve("config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
        JsonNode value = JSON.readTree(jsonValue);
        config.set(field, value);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    /**
     * sha256 of every file under {@code dir} (links by their target text), keyed by relative path; a file or folder
     * the tests made unreadable is recorded by its size, time and mode instead.
     */
    static Map<String, String> hash(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                out.put(dir.relativize(d).toString(), "dir");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                out.put(dir.relativize(p).toString(), digest(p, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                out.put(dir.relativize(p).toString(), "unreadable " + Files.readAttributes(p, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).lastModifiedTime() + " " + Files.getPosixFilePermissions(p));
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static String digest(Path p, BasicFileAttributes attrs) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (attrs.isSymbolicLink()) {
                md.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
            } else {
                md.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (AccessDeniedException e) {
            return "unreadable " + attrs.size() + " " + attrs.lastModifiedTime() + " " + Files.getPosixFilePermissions(p);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Nothing was written under {@code outParent}: no output folder, no leftover {@code .<name>.tmp-*} folder. */
    static void assertNothingWritten(Path outParent) throws IOException {
        if (Files.exists(outParent)) {
            try (Stream<Path> s = Files.list(outParent)) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "left in " + outParent);
            }
        }
    }

    /** Exit code, the {@code auto-round: error:} lines and all of stderr of an in-process {@code auto-round} run. */
    record Cli(int code, String err, String stderr) {}

    /**
     * Runs the CLI with errors handled by {@code Main}'s own handler. System.err is redirected before the command
     * line is built: picocli keeps a writer on the System.err it saw then.
     */
    static Cli cli(String... args) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try (java.io.PrintStream quietOut = new java.io.PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                java.io.PrintStream capture = new java.io.PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            System.setOut(quietOut);
            System.setErr(capture);
            CommandLine cmd = new CommandLine(new Main());
            cmd.setExecutionExceptionHandler((e, c, parse) -> {
                try {
                    Method handle = Main.class.getDeclaredMethod("handleError", Exception.class, CommandLine.class,
                            CommandLine.ParseResult.class);
                    handle.setAccessible(true);
                    return (Integer) handle.invoke(null, e, c, parse);
                } catch (ReflectiveOperationException r) {
                    throw new AssertionError(r);
                }
            });
            code = cmd.execute(args);
            cmd.getErr().flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String stderr = errBytes.toString(StandardCharsets.UTF_8);
        String errors = String.join("\n", stderr.lines().filter(l -> l.startsWith("auto-round: error:")).toList());
        return new Cli(code, errors, stderr);
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
