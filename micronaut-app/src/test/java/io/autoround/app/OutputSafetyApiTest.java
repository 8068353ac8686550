package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Output folders through the service: clients cannot choose them (400), and even a deployment whose output root
 * lies inside a served model folder never writes into the model: the submission is refused (400) naming both.
 */
@MicronautTest
class OutputSafetyApiTest extends ServiceTestBase {
    @Inject
    @Client("/")
    HttpClient client;

    /** A served model folder (the stories260k files copied in). */
    private Path models() {
        return base.resolve("models").resolve("stories");
    }

    /** The output root is configured inside a served model folder. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("autoround.output-root", models().resolve("outputs").toString());
        try {
            Files.createDirectories(models());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> s = Files.list(FolderState.sharedDir().resolve("data/models/stories260k-hf"))) {
            for (Path f : s.toList()) {
                Path t = models().resolve(f.getFileName().toString());
                if (!Files.exists(t)) {
                    Files.copy(f, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private Failure post(String body) {
        return fails(client.toBlocking(), HttpRequest.POST("/v1/jobs", body).contentType("application/json"));
    }

    @Test
    void outputFolderFieldsAreRefused() {
        for (String body : List.of("{\"overwrite\": true}", "{\"output_dir\": \".\"}", "{\"output_dir\": \"../..\"}")) {
            Failure f = post(body);
            assertEquals(400, f.status(), body);
            String field = body.contains("overwrite") ? "overwrite" : "output_dir";
            assertTrue(f.hasFieldError(field, "chosen by the service"), f.body().toString());
        }
    }

    @Test
    void aJobWhoseOutputWouldLieInsideTheModelIs400AndLeavesTheModelAlone() {
        Map<String, String> before = hashes(models());
        Path root = models().toAbsolutePath().normalize();
        for (String model : List.of(root.toString(), "stories")) {
            Failure f = post("{\"model\": \"" + model + "\", \"iters\": 0, \"disable_opt_rtn\": true, \"group_size\": 32}");
            assertEquals(400, f.status(), f.body().toString());
            assertTrue(f.hasFieldError("options", "lies inside the model folder " + root), f.body().toString());
        }
        // the quantize_and_save layout (optimized RTN: <job folder>/<model>-w4g32) is inside the model too
        Failure sub = post("{\"model\": \"stories\", \"iters\": 0, \"group_size\": 32}");
        assertEquals(400, sub.status(), sub.body().toString());
        assertTrue(sub.hasFieldError("options", "the model is never written to"), sub.body().toString());
        assertEquals(before, hashes(models()), "model files unchanged");
        try (Stream<Path> s = Files.list(models().resolve("outputs"))) {
            assertEquals(List.of(), s.toList(), "no job folder or temp folder created");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path -> SHA-256 of the model's files (the outputs folder and the state are not model files). */
    private static Map<String, String> hashes(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(p.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
