package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SIGKILLs a real service process (a separate JVM) while a job is exporting: the served model stays byte-identical,
 * nothing appears as the job's output, and the restarted service marks the job failed and removes its partial
 * output and temporary folders. And stops one politely (SIGTERM) during running jobs, ten times: the service stops the
 * job at its next safe point without a JVM crash, and after a restart every such job is the interrupted one.
 */
class ServiceKillTest extends ServiceTestBase {
    private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

    private Path model() {
        return base.resolve("models").resolve("stories");
    }

    private Process startChild(int port) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc") || a.startsWith("--add-modules")
                    || a.startsWith("-Dai.djl") || a.startsWith("-Djna")) {
                cmd.add(a);
            }
        }
        getProperties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-Dmicronaut.server.port=" + port, "-Dmicronaut.server.host=127.0.0.1", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), Application.class.getName()));
        // in its own folder, where a JVM crash would leave its hs_err_pid*.log
        return new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("child.log").toFile())).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void copyModel() throws IOException {
        Path shared = FolderState.sharedDir().resolve("data/models/stories260k-hf");
        Files.createDirectories(model());
        try (Stream<Path> s = Files.list(shared)) {
            for (Path f : s.toList()) {
                Files.copy(f, model().resolve(f.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void stoppedWithSigtermDuringJobsThenRestarted() throws Exception {
        copyModel();
        Map<String, String> before = hashes(model());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int port = freePort();
            Process child = startChild(port);
            try (HttpClient client = HttpClient.create(new URL("http://127.0.0.1:" + port))) {
                BlockingHttpClient http = client.toBlocking();
                awaitHealth(http, child);
                String id = submit(http, "{\"model\": \"stories\", \"iters\": 200, \"nsamples\": 16, \"seqlen\": 64,"
                        + " \"dataset\": \"embedded\", \"group_size\": 32}");
                ids.add(id);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                while (tempFolder(outputRoot().resolve(id)).isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                Thread.sleep(100L * i); // from the start of the export through several blocks' tuning
                child.destroy(); // SIGTERM
                assertTrue(child.waitFor(90, TimeUnit.SECONDS), "service " + i + " stopped after SIGTERM");
            } finally {
                child.destroyForcibly();
            }
            String log = Files.readString(base.resolve("child.log"));
            assertFalse(log.contains("A fatal error has been detected") || log.contains("SIGSEGV"), "JVM crash:\n" + log);
        }
        try (Stream<Path> s = Files.list(base)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList());
        }
        assertEquals(before, hashes(model()), "model unchanged");
        Map<String, Object> props = new HashMap<>(getProperties());
        props.put("micronaut.server.port", -1);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test");
                HttpClient client = HttpClient.create(server.getURL())) {
            int interrupted = 0;
            for (String id : ids) {
                Map<String, Object> job = client.toBlocking().retrieve(HttpRequest.GET("/v1/jobs/" + id), MAP);
                if ("SUCCEEDED".equals(job.get("state"))) {
                    continue; // the stop came after the job's last step: its output is complete
                }
                interrupted++;
                assertEquals("FAILED", job.get("state"), id);
                assertEquals("the service stopped while this job was running", job.get("error"));
                assertFalse(Files.exists(outputRoot().resolve(id)), "interrupted job's output removed");
            }
            assertTrue(interrupted >= 8, "the stops reached running jobs: " + interrupted + " of 10");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void killedWhileExportingThenRestarted() throws Exception {
        copyModel();
        Map<String, String> before = hashes(model());
        int port = freePort();
        Process child = startChild(port);
        String id;
        try (HttpClient client = HttpClient.create(new URL("http://127.0.0.1:" + port))) {
            BlockingHttpClient http = client.toBlocking();
            awaitHealth(http, child);
            id = submit(http, "{\"model\": \"stories\", \"iters\": 2, \"nsamples\": 4, \"seqlen\": 32,"
                    + " \"dataset\": \"embedded\", \"group_size\": 32}");
            Path jobDir = outputRoot().resolve(id);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (tempFolder(jobDir).isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertTrue(tempFolder(jobDir).isPresent(), "the export started: " + Files.readString(base.resolve("child.log")));
            Thread.sleep(500); // well into block tuning
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(before, hashes(model()), "model unchanged after the kill");
        assertFalse(Files.exists(outputRoot().resolve(id).resolve("stories-w4g32")), "no partial output at the target");
        assertTrue(tempFolder(outputRoot().resolve(id)).isPresent(), "the killed export left its temp folder");

        Map<String, Object> props = new HashMap<>(getProperties());
        props.put("micronaut.server.port", -1);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test");
                HttpClient client = HttpClient.create(server.getURL())) {
            Map<String, Object> job = client.toBlocking().retrieve(HttpRequest.GET("/v1/jobs/" + id), MAP);
            assertEquals("FAILED", job.get("state"));
            assertEquals("the service stopped while this job was running", job.get("error"));
            assertFalse(Files.exists(outputRoot().resolve(id)), "partial output removed at restart");
            try (Stream<Path> s = Files.list(outputRoot())) {
                assertEquals(List.of(), s.toList(), "nothing left in the output root");
            }
        }
        assertEquals(before, hashes(model()));
    }

    private static void awaitHealth(BlockingHttpClient http, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && child.isAlive()) {
            try {
                http.retrieve("/health");
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("service did not start");
    }

    /** The export's temporary folder inside the job folder (the quantize_and_save layout). */
    private static Optional<Path> tempFolder(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".stories-w4g32.tmp-")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
