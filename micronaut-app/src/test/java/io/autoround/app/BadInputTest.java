package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Bad input and abuse: every refusal has the right 4xx status and names the field and the problem. */
@MicronautTest
class BadInputTest extends ServiceTestBase {
    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    EmbeddedServer server;

    private BlockingHttpClient http() {
        return client.toBlocking();
    }

    private Failure post(String body) {
        return fails(http(), HttpRequest.POST("/v1/jobs", body).contentType("application/json"));
    }

    @Test
    void malformedJsonAndNonObjectsAre400() {
        Failure f = post("{\"iters\": 0,");
        assertEquals(400, f.status());
        assertTrue(f.hasFieldError("body", "malformed JSON"), f.body().toString());
        assertTrue(post("[1,2]").hasFieldError("body", "must be a JSON object"));
        assertTrue(post("{\"iters\": 1, \"iters\": 2}").hasFieldError("body", "Duplicate field"));
    }

    @Test
    void wrongTypesAndRangesAreListedPerField() {
        Failure f = post("{\"iters\": \"many\", \"nsamples\": 100000000, \"seqlen\": 1.5, \"sym\": \"yes\", "
                + "\"formats\": 7, \"layer_config\": [1], \"bogus\": 1}");
        assertEquals(400, f.status());
        assertTrue(f.hasFieldError("iters", "must be an integer"), f.body().toString());
        assertTrue(f.hasFieldError("nsamples", "between 1 and 8192"));
        assertTrue(f.hasFieldError("seqlen", "must be an integer"));
        assertTrue(f.hasFieldError("sym", "true or false"));
        assertTrue(f.hasFieldError("formats", "string or an array"));
        assertTrue(f.hasFieldError("layer_config", "JSON object"));
        assertTrue(f.hasFieldError("bogus", "unknown field"));
        assertEquals(7, f.errors().size());
    }

    @Test
    void autoSchemeRequestsAreCheckedBeforeQueueing() {
        Failure f = post("{\"iters\": 0, \"auto_scheme\": {\"avg_bits\": \"three\", \"options\": \"W2A16,W4A16\"}}");
        assertEquals(400, f.status());
        assertTrue(f.hasFieldError("auto_scheme", "avg_bits must be a positive number"), f.body().toString());
        f = post("{\"iters\": 0, \"auto_scheme\": {\"avg_bits\": 3, \"options\": [\"W2A16\", 4]}}");
        assertTrue(f.hasFieldError("auto_scheme", "options must hold non-empty strings"), f.body().toString());
        f = post("{\"iters\": 0, \"auto_scheme\": {\"avg_bits\": 3, \"options\": \"W2A16\", \"bogus\": 1}}");
        assertTrue(f.hasFieldError("auto_scheme", "unknown key 'bogus'"), f.body().toString());
        // the reachable range depends on the model: the core's plan() refuses it before the job is queued
        Failure core = post("{\"iters\": 0, \"auto_scheme\": {\"avg_bits\": 9, \"options\": \"W2A16,W4A16\"}}");
        assertEquals(400, core.status());
        assertTrue(core.body().toString().contains("outside the valid range"), core.body().toString());
    }

    @Test
    void unknownNamesAndNegativeItersAre400() {
        Failure f = post("{\"scheme\": \"W5A3X\", \"iters\": -1, \"formats\": [\"onnx\"], \"recipe\": \"fastest\"}");
        assertEquals(400, f.status());
        assertTrue(f.hasFieldError("scheme", "unknown scheme 'W5A3X'"), f.body().toString());
        assertTrue(f.hasFieldError("iters", "between 0 and"));
        assertTrue(f.hasFieldError("formats", "unknown export format 'onnx'"));
        assertTrue(f.hasFieldError("recipe", "unknown recipe 'fastest'"));
        // a value only the core can judge is still refused before the job is queued
        Failure core = post("{\"iters\": 0, \"data_type\": \"bogus\"}");
        assertEquals(400, core.status());
        assertTrue(core.hasFieldError("options", "Unsupported data_type 'bogus'"), core.body().toString());
    }

    @Test
    void pathTraversalInPathFieldsIs400() throws Exception {
        assertTrue(post("{\"model\": \"../../etc\"}").hasFieldError("model", "must not contain '..'"));
        assertTrue(post("{\"model\": \"/etc\"}").hasFieldError("model", "outside the models root"));
        assertTrue(post("{\"model\": \"" + base.resolve("models") + "/../outputs\"}").hasFieldError("model", "outside the models root"));
        assertTrue(post("{\"dataset\": \"../secret.txt\"}").hasFieldError("dataset", "must not contain '..'"));
        assertTrue(post("{\"dataset\": \"/etc/passwd\"}").hasFieldError("dataset", "outside the models root"));
        assertTrue(post("{\"output_dir\": \"/tmp/x\"}").hasFieldError("output_dir", "chosen by the service"));
        Path outside = Files.createDirectories(base.resolve("elsewhere"));
        Files.createSymbolicLink(base.resolve("models").resolve("sneaky"), outside);
        assertTrue(post("{\"model\": \"sneaky\"}").hasFieldError("model", "symbolic link pointing outside"));
        assertTrue(post("{\"model\": \"nosuch\"}").hasFieldError("model", "neither a folder under the models root"));
    }

    @Test
    void modelsAndDatasetsUnderTheModelsRootAreAccepted() throws Exception {
        Path models = base.resolve("models");
        Path copy = Files.createDirectories(models.resolve("team").resolve("stories"));
        try (var s = Files.list(io.autoround.api.DemoAssets.model())) {
            for (Path f : s.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.writeString(models.resolve("calib.txt"), "The quick brown fox jumps over the lazy dog. ".repeat(200));
        String rel = submit(http(), "{\"model\": \"team/stories\", \"iters\": 0, \"disable_opt_rtn\": true}");
        String abs = submit(http(), "{\"model\": \"" + copy + "\", \"iters\": 1, \"nsamples\": 2, \"seqlen\": 16, "
                + "\"dataset\": \"calib.txt\"}");
        assertEquals("SUCCEEDED", awaitEnd(http(), rel, 120).get("state"));
        java.util.Map<String, Object> tuned = awaitEnd(http(), abs, 120);
        assertEquals("SUCCEEDED", tuned.get("state"), String.valueOf(tuned.get("error")));
        String log = http().retrieve("/v1/jobs/" + abs + "/log");
        assertTrue(log.contains("calib.txt"), log);
        // a folder that is not a model is the request's fault
        Files.writeString(Files.createDirectories(models.resolve("broken")).resolve("config.json"), "{\"model_type\": \"nope\"}");
        Failure broken = fails(http(), HttpRequest.POST("/v1/generate", Map.of("model", "broken")));
        assertEquals(400, broken.status(), broken.body().toString());
        assertTrue(broken.hasFieldError("model", "cannot run broken"), broken.body().toString());
        Failure job = post("{\"model\": \"broken\"}");
        assertEquals(400, job.status());
        assertEquals("options", job.errors().get(0).get("field"), job.body().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void fileRoutesNeverLeaveTheJobFolder() throws Exception {
        String id = submit(http(), "{\"iters\": 0, \"disable_opt_rtn\": true}");
        assertEquals("SUCCEEDED", awaitEnd(http(), id, 120).get("state"));
        Path secret = Files.writeString(base.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(outputRoot().resolve(id).resolve("link.txt"), secret);
        // listing skips the link; downloading it is refused
        List<Map<String, Object>> files = http().retrieve(HttpRequest.GET("/v1/jobs/" + id + "/files"),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertTrue(files.stream().noneMatch(f -> f.get("path").equals("link.txt")), files.toString());
        java.net.http.HttpClient raw = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("link.txt", "..%2F..%2Fsecret.txt", "%2E%2E/%2E%2E/secret.txt", "%2Fetc%2Fpasswd", "a/../../" + id)) {
            var r = raw.send(java.net.http.HttpRequest.newBuilder(URI.create(server.getURI() + "/v1/jobs/" + id + "/files/" + path)).build(),
                    BodyHandlers.ofString());
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, path + " -> " + r.statusCode() + " " + r.body());
            assertTrue(!r.body().contains("top secret"), path);
            if (path.equals("link.txt") || path.startsWith("..") || path.startsWith("%2E")) {
                assertEquals(400, r.statusCode(), path + " -> " + r.body());
            }
        }
        assertEquals(404, fails(http(), HttpRequest.GET("/v1/jobs/" + id + "/files/nosuch.bin")).status());
        assertEquals(404, fails(http(), HttpRequest.GET("/v1/jobs/nosuchjob")).status());
        assertEquals(404, fails(http(), HttpRequest.GET("/v1/jobs/nosuchjob/files")).status());
        assertEquals(409, fails(http(), HttpRequest.DELETE("/v1/jobs/" + id)).status());
        Failure gen = fails(http(), HttpRequest.POST("/v1/generate", Map.of("model", "../x", "max_new_tokens", 5)));
        assertEquals(400, gen.status());
        assertTrue(gen.hasFieldError("model", "'..'"));
        Failure ppl = fails(http(), HttpRequest.POST("/v1/perplexity", Map.of("job_id", id, "seqlen", "long", "backend", "gpu")));
        assertTrue(ppl.hasFieldError("seqlen", "must be an integer"), ppl.body().toString());
        // a job folder holding a link that leads outside is not run either (its target would be read)
        Failure linked = fails(http(), HttpRequest.POST("/v1/perplexity", Map.of("job_id", id)));
        assertEquals(400, linked.status());
        assertTrue(linked.hasFieldError("job_id", "'link.txt' is a symbolic link"), linked.body().toString());
        Files.delete(outputRoot().resolve(id).resolve("link.txt"));
        Failure backend = fails(http(), HttpRequest.POST("/v1/perplexity", Map.of("job_id", id, "backend", "gpu")));
        assertTrue(backend.hasFieldError("backend", "unknown backend 'gpu'"), backend.body().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBurstOf50SubmissionsIsQueuedWithoutLoss() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int seed = i;
            futures.add(pool.submit(() -> submit(http(), "{\"iters\": 0, \"disable_opt_rtn\": true, \"seed\": " + seed + "}")));
        }
        Set<String> ids = new HashSet<>();
        for (Future<String> f : futures) {
            ids.add(f.get());
        }
        pool.shutdown();
        assertEquals(50, ids.size());
        List<Map<String, Object>> all = http().retrieve(HttpRequest.GET("/v1/jobs"), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        Set<String> listed = new HashSet<>();
        all.forEach(j -> listed.add((String) j.get("id")));
        assertTrue(listed.containsAll(ids));
        Set<Integer> seeds = new HashSet<>();
        all.stream().filter(j -> ids.contains(j.get("id")))
                .forEach(j -> seeds.add(((Number) ((Map<String, Object>) j.get("options")).get("seed")).intValue()));
        assertEquals(50, seeds.size(), "every submission kept its own options");
        // cancel what is still waiting so the queue drains quickly; each job ends in exactly one terminal state
        for (String id : ids) {
            try {
                http().exchange(HttpRequest.DELETE("/v1/jobs/" + id), Map.class);
            } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
                assertEquals(409, e.getStatus().getCode()); // it already finished
            }
        }
        for (String id : ids) {
            Object state = awaitEnd(http(), id, 120).get("state");
            assertTrue(Set.of("SUCCEEDED", "CANCELLED").contains(state), id + " " + state);
        }
    }
}
