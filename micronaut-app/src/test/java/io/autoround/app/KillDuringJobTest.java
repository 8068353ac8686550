package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 class 1 for the service: the real service in a child JVM is killed with SIGKILL at three points of a
 * job whose checkpoint is the job's folder itself (so the core's temp folder lies beside it in the output root).
 * After a restart every such job is FAILED, the model folder is byte-for-byte unchanged, and neither a job folder
 * nor a hidden temp folder remains.
 */
class KillDuringJobTest extends ServiceTestBase {
    private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startChild(int port, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss8m", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dai.djl.offline=true", "-Djna.tmpdir=" + System.getProperty("jna.tmpdir", base.resolve("jna").toString()),
                "-Dmicronaut.server.port=" + port));
        getProperties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Application.class.getName()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String get(int port, String path) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static String submit(int port, String body) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/jobs")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        int i = r.body().indexOf("\"id\":\"") + 6;
        return r.body().substring(i, r.body().indexOf('"', i));
    }

    private static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(1); // short enough to land inside a ~1 s export, without burning a shared core
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** The hidden export folders beside {@code id}'s folder in the output root. */
    private List<Path> temps(String id) throws IOException {
        try (Stream<Path> s = Files.list(outputRoot())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + id + ".")).toList();
        }
    }

    private static boolean holdsBytes(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p) && p.toFile().length() > 0);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // renamed or removed while we looked
        }
    }

    @Test
    void aServiceKilledDuringAnExportLeavesNoPartialOutputAfterRestart() throws Exception {
        Path shared = FolderState.sharedModel("tiny-qwen3-12m");
        assumeTrue(shared != null, "../shared/data/models/tiny-qwen3-12m is not in this checkout");
        Path model = FolderState.copy(shared, base.resolve("models").resolve("qwen"));
        String hash = FolderState.hash(model);
        String job = "{\"model\": \"qwen\", \"iters\": 0, \"disable_opt_rtn\": true, \"scheme\": \"W4A16\"}";
        List<String> killed = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String point : List.of("running", "temp folder created", "checkpoint bytes written")) {
            int port = freePort();
            Process child = startChild(port, base.resolve("child-" + killed.size() + ".log"));
            try {
                await("the child service on " + port, 120, () -> {
                    try {
                        return get(port, "/health").startsWith("200");
                    } catch (IOException e) {
                        return false;
                    }
                });
                String id = submit(port, job);
                switch (point) {
                    case "running" -> await("job running", 60, () -> get(port, "/v1/jobs/" + id).contains("\"RUNNING\""));
                    case "temp folder created" -> await("a temp folder", 60, () -> !temps(id).isEmpty());
                    default -> await("bytes in the temp folder", 60, () -> temps(id).stream().anyMatch(KillDuringJobTest::holdsBytes));
                }
                seen.add(point + ": " + temps(id));
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                child.waitFor();
                killed.add(id);
            } finally {
                child.destroyForcibly();
            }
        }
        assertTrue(seen.get(1).contains(".tmp"), "the kill hit the export: " + seen);
        Map<String, Object> props = new HashMap<>(getProperties());
        props.put("micronaut.server.port", -1);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test");
                HttpClient client = HttpClient.create(server.getURL())) {
            BlockingHttpClient http = client.toBlocking();
            for (String id : killed) {
                Map<String, Object> j = http.retrieve(HttpRequest.GET("/v1/jobs/" + id), MAP);
                assertEquals("FAILED", j.get("state"), id);
                assertEquals("the service stopped while this job was running", j.get("error"));
                assertFalse(Files.exists(outputRoot().resolve(id)), "partial job folder of " + id);
                assertEquals(List.of(), temps(id), "temp folders of " + id + " (seen before the kill: " + seen + ")");
            }
        }
        assertEquals(hash, FolderState.hash(model), "the model folder changed");
        try (Stream<Path> s = Files.list(outputRoot())) {
            assertEquals(List.of(), s.toList(), "the output root holds nothing after the restart");
        }
    }
}
