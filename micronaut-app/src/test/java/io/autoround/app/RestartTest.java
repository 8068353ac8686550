package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job records survive a restart; a job running at a crash comes back failed with a reason and no output. */
class RestartTest extends ServiceTestBase {
    private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private EmbeddedServer start() {
        Map<String, Object> props = new HashMap<>(getProperties());
        props.put("micronaut.server.port", -1);
        return ApplicationContext.run(EmbeddedServer.class, props, "test");
    }

    @Test
    @SuppressWarnings("unchecked")
    void finishedJobsSurviveARestartAndRunningOnesAreMarkedFailed() throws Exception {
        String id;
        byte[] before;
        String file;
        try (EmbeddedServer server = start(); HttpClient client = HttpClient.create(server.getURL())) {
            BlockingHttpClient http = client.toBlocking();
            id = submit(http, "{\"iters\": 0, \"disable_opt_rtn\": true, \"scheme\": \"W8A16\"}");
            assertEquals("SUCCEEDED", awaitEnd(http, id, 120).get("state"));
            List<Map<String, Object>> files = http.retrieve(HttpRequest.GET("/v1/jobs/" + id + "/files"), Argument.listOf(MAP));
            file = (String) files.get(0).get("url");
            before = http.retrieve(HttpRequest.GET(file), byte[].class);
        }
        // simulate a crash: a job journaled as running, then a torn last line. Its half-written export lies where
        // the exporter puts it: a temporary folder beside the job folder (the model-free layout, named with the pid
        // of the dead process), and for the quantize_and_save layout one inside the job folder.
        Path journal = base.resolve("state").resolve("jobs.jsonl");
        String crashed = "00000000-0000-0000-0000-00000000dead";
        String waiting = "00000000-0000-0000-0000-0000000queue";
        long deadPid = deadPid();
        Path beside = Files.createDirectories(outputRoot().resolve("." + crashed + ".tmp-" + deadPid + "-k2j4"));
        Files.writeString(beside.resolve("model.safetensors"), "partial");
        Path inside = Files.createDirectories(outputRoot().resolve(crashed).resolve(".stories260k-w4g128.tmp-" + deadPid + "-a1"));
        Files.writeString(inside.resolve(".shard-0.safetensors.tmp"), "partial");
        // a leftover of an export whose job is no longer journaled, from a dead process
        Path orphan = Files.createDirectories(outputRoot().resolve(".0000-orphan.tmp-" + deadPid + "-zz"));
        Files.writeString(orphan.resolve("config.json"), "{}");
        Files.writeString(journal, "{\"id\":\"" + crashed + "\",\"state\":\"RUNNING\",\"options\":{\"iters\":0},"
                + "\"created_at\":\"2026-01-01T00:00:00Z\",\"started_at\":\"2026-01-01T00:00:01Z\",\"blocks_done\":[],\"outputs\":[]}\n"
                + "{\"id\":\"" + waiting + "\",\"state\":\"QUEUED\",\"options\":{\"iters\":0,\"disable_opt_rtn\":true,\"scheme\":\"W2A16\"},"
                + "\"created_at\":\"2026-01-01T00:00:02Z\"}\n"
                + "{\"id\":\"torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (EmbeddedServer server = start(); HttpClient client = HttpClient.create(server.getURL())) {
            BlockingHttpClient http = client.toBlocking();
            Map<String, Object> job = http.retrieve(HttpRequest.GET("/v1/jobs/" + id), MAP);
            assertEquals("SUCCEEDED", job.get("state"));
            assertEquals(List.of("."), job.get("outputs"));
            assertArrayEquals(before, http.retrieve(HttpRequest.GET(file), byte[].class));
            Map<String, Object> dead = http.retrieve(HttpRequest.GET("/v1/jobs/" + crashed), MAP);
            assertEquals("FAILED", dead.get("state"));
            assertEquals("the service stopped while this job was running", dead.get("error"));
            assertFalse(Files.exists(outputRoot().resolve(crashed)), "partial output of the crashed job is removed");
            assertFalse(Files.exists(beside), "the crashed export's temp folder beside the job folder is removed");
            assertFalse(Files.exists(orphan), "a stale temp folder of a dead process is removed");
            Map<String, Object> resumed = awaitEnd(http, waiting, 120);
            assertEquals("SUCCEEDED", resumed.get("state"), "a job queued before the restart runs after it");
            assertTrue(Files.isRegularFile(outputRoot().resolve(waiting).resolve("model.safetensors")));
            try (java.util.stream.Stream<Path> s = Files.list(outputRoot())) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
                        "no hidden temp folder left in the output root");
            }
            assertEquals(3, http.retrieve(HttpRequest.GET("/v1/jobs"), Argument.listOf(MAP)).size());
        }
        // compacted at the second start to one valid line per job, then appended to by the resumed job
        List<String> lines = Files.readAllLines(journal);
        assertEquals(3, lines.stream().map(l -> l.substring(0, l.indexOf("\",\""))).distinct().count());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
    }
}
