package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.api.AutoRound;
import io.autoround.api.DemoAssets;
import io.autoround.cli.Main;
import io.autoround.eval.Perplexity;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.sse.SseClient;
import io.micronaut.http.sse.Event;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import reactor.core.publisher.Flux;

/** Real jobs on stories260K through the real server: SSE to completion, downloads vs the CLI, cancel, inference. */
@MicronautTest
class JobsApiTest extends ServiceTestBase {
    private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    @Client("/")
    SseClient sse;

    private static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. "
            + "One day, she saw a big red ball in the park. She ran to the ball and kicked it very high. Her friend Tom came "
            + "to play with her, and they laughed all day. At night, Lily went home and told her mom about the ball.";

    private Path textFile() throws java.io.IOException {
        return Files.writeString(base.resolve("text.txt"), TEXT);
    }

    private BlockingHttpClient http() {
        return client.toBlocking();
    }

    private List<Event<Map<String, Object>>> follow(String id) {
        return Flux.from(sse.eventStream(HttpRequest.GET("/v1/jobs/" + id + "/events"), MAP))
                .collectList().block(Duration.ofSeconds(120));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastState(List<Event<Map<String, Object>>> events) {
        Event<Map<String, Object>> last = events.get(events.size() - 1);
        assertEquals("state", last.getName());
        return (Map<String, Object>) last.getData().get("job");
    }

    /** Runs the real CLI in-process with the same options; returns its output folder. */
    private Path cli(String... args) {
        Path out = base.resolve("cli-" + System.nanoTime());
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--model";
        all[args.length + 1] = DemoAssets.model().toString();
        all[args.length + 2] = "--output_dir";
        all[args.length + 3] = out.toString();
        ai.djl.engine.Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setGradMode(false); // per thread; DJL sets it only on the engine's loading thread
        assertEquals(0, new CommandLine(new Main()).execute(all));
        return out;
    }

    @SuppressWarnings("unchecked")
    private void assertSameFilesAsCli(String id, Path cliOut) throws Exception {
        List<Map<String, Object>> files = http().retrieve(HttpRequest.GET("/v1/jobs/" + id + "/files"), Argument.listOf(MAP));
        assertTrue(files.stream().anyMatch(f -> ((String) f.get("path")).endsWith("model.safetensors")), files.toString());
        for (Map<String, Object> f : files) {
            String rel = (String) f.get("path");
            byte[] served = http().retrieve(HttpRequest.GET((String) f.get("url")), byte[].class);
            byte[] local = Files.readAllBytes(cliOut.resolve(rel));
            assertEquals(((Number) f.get("size")).longValue(), served.length, rel);
            assertArrayEquals(local, served, "bytes of " + rel + " differ from the CLI's output");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void rtnJobStreamsProgressAndServesTheCliBytesWithRanges() throws Exception {
        String id = submit(http(), "{\"iters\": 0, \"disable_opt_rtn\": true, \"scheme\": \"W4A16\", \"formats\": [\"auto_round\"]}");
        List<Event<Map<String, Object>>> events = follow(id);
        assertEquals("state", events.get(0).getName());
        Map<String, Object> job = lastState(events);
        assertEquals("SUCCEEDED", job.get("state"), String.valueOf(job.get("error")));
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) job.get("blocks_done");
        assertEquals(((Number) job.get("blocks_total")).intValue(), blocks.size());
        assertEquals(blocks.size(), events.stream().filter(e -> "block".equals(e.getName())).count());
        assertTrue(events.stream().anyMatch(e -> "phase".equals(e.getName()) && "export".equals(e.getData().get("phase"))));
        assertEquals(job, http().retrieve(HttpRequest.GET("/v1/jobs/" + id), MAP));

        Path cliOut = cli("--iters", "0", "--disable_opt_rtn", "--scheme", "W4A16", "--format", "auto_round");
        assertSameFilesAsCli(id, cliOut);

        String out = ((List<String>) job.get("outputs")).get(0);
        assertEquals(".", out); // model-free RTN writes the checkpoint straight into the job's folder, as the CLI does
        String rel = "model.safetensors";
        byte[] whole = Files.readAllBytes(cliOut.resolve(rel));
        HttpResponse<byte[]> part = http().exchange(HttpRequest.GET("/v1/jobs/" + id + "/files/" + rel).header("Range", "bytes=8-107"), byte[].class);
        assertEquals(HttpStatus.PARTIAL_CONTENT, part.getStatus());
        assertEquals("bytes 8-107/" + whole.length, part.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(whole, 8, 108), part.body());
        HttpResponse<byte[]> tail = http().exchange(HttpRequest.GET("/v1/jobs/" + id + "/files/" + rel).header("Range", "bytes=-5"), byte[].class);
        assertArrayEquals(Arrays.copyOfRange(whole, whole.length - 5, whole.length), tail.body());
        Failure f416 = fails(http(), HttpRequest.GET("/v1/jobs/" + id + "/files/" + rel).header("Range", "bytes=" + whole.length + "-"));
        assertEquals(416, f416.status());

        // generation and perplexity on the job's checkpoint equal the core library's numbers
        Map<String, Object> ppl = http().retrieve(HttpRequest.POST("/v1/perplexity", Map.of("job_id", id, "seqlen", 64, "text", TEXT)), MAP);
        Perplexity.Result direct = AutoRound.perplexity(cliOut.resolve(out), textFile(), 64, null);
        assertEquals(direct.perplexity(), ((Number) ppl.get("perplexity")).doubleValue(), 1e-9);
        assertEquals("dequantized-fp32", ppl.get("backend"));
        Map<String, Object> gen = http().retrieve(HttpRequest.POST("/v1/generate",
                Map.of("job_id", id, "prompt", "Once upon a time", "max_new_tokens", 12)), MAP);
        assertTrue(((Number) gen.get("new_tokens")).intValue() > 0);
        assertFalse(((String) gen.get("completion")).isEmpty());
        Map<String, Object> again = http().retrieve(HttpRequest.POST("/v1/generate",
                Map.of("job_id", id, "prompt", "Once upon a time", "max_new_tokens", 12)), MAP);
        assertEquals(gen.get("completion"), again.get("completion")); // greedy and cached: identical
    }

    @Test
    @SuppressWarnings("unchecked")
    void tuningJobReportsIterationsAndLossesAndMatchesTheCli() throws Exception {
        String body = "{\"iters\": 4, \"nsamples\": 8, \"seqlen\": 64, \"batch_size\": 4, \"dataset\": \"embedded\"}";
        String id = submit(http(), body);
        List<Event<Map<String, Object>>> events = follow(id);
        Map<String, Object> job = lastState(events);
        assertEquals("SUCCEEDED", job.get("state"), String.valueOf(job.get("error")));
        assertEquals("SIGN_ROUND", job.get("algorithm"));
        assertTrue(events.stream().anyMatch(e -> "iteration".equals(e.getName()) && ((Number) e.getData().get("iters")).intValue() == 4));
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) job.get("blocks_done");
        Map<String, Object> first = blocks.get(0);
        assertNotNull(first.get("rtn_loss"));
        assertNotNull(first.get("tuned_loss"));
        assertTrue(((Number) first.get("tuned_loss")).doubleValue() <= ((Number) first.get("rtn_loss")).doubleValue() * 1.0001,
                "best-of tuning never ends worse than RTN: " + first);
        Path cliOut = cli("--iters", "4", "--nsamples", "8", "--seqlen", "64", "--batch_size", "4", "--dataset", "embedded");
        assertSameFilesAsCli(id, cliOut);
    }

    @Test
    void cancellingARunningJobLeavesNoOutput() throws Exception {
        String id = submit(http(), "{\"iters\": 500, \"nsamples\": 8, \"seqlen\": 64, \"dataset\": \"embedded\"}");
        Event<Map<String, Object>> firstIteration = Flux.from(sse.eventStream(HttpRequest.GET("/v1/jobs/" + id + "/events"), MAP))
                .filter(e -> "iteration".equals(e.getName())).next().block(Duration.ofSeconds(60));
        assertNotNull(firstIteration);
        HttpResponse<Map> del = http().exchange(HttpRequest.DELETE("/v1/jobs/" + id), Map.class);
        assertEquals(HttpStatus.ACCEPTED, del.getStatus());
        Map<String, Object> job = awaitEnd(http(), id, 60);
        assertEquals("CANCELLED", job.get("state"));
        assertFalse(Files.exists(outputRoot().resolve(id)), "a cancelled job leaves no output folder");
        assertEquals(List.of(), http().retrieve(HttpRequest.GET("/v1/jobs/" + id + "/files"), Argument.listOf(MAP)));
        assertEquals(409, fails(http(), HttpRequest.DELETE("/v1/jobs/" + id)).status());
    }

    @Test
    @SuppressWarnings("unchecked")
    void catalogHealthAndOpenApiAreServed() {
        List<Map<String, Object>> schemes = http().retrieve(HttpRequest.GET("/v1/schemes"), Argument.listOf(MAP));
        Map<String, Object> w4 = schemes.stream().filter(s -> "W4A16".equals(s.get("name"))).findFirst().orElseThrow();
        assertEquals(4, ((Number) ((Map<String, Object>) w4.get("settings")).get("bits")).intValue());
        List<String> formats = http().retrieve(HttpRequest.GET("/v1/formats"), Argument.listOf(String.class));
        assertEquals(io.autoround.export.ExporterRegistry.names(), formats);
        assertEquals("UP", http().retrieve(HttpRequest.GET("/health"), MAP).get("status"));
        String openapi = http().retrieve("/swagger/autoround-service-1.yml");
        assertTrue(openapi.contains("/v1/jobs/{id}/events"), openapi);
        assertTrue(openapi.contains("/v1/perplexity"));
    }

    @Test
    void perplexityOfTheFpDemoModelMatchesTheLibrary() throws Exception {
        Map<String, Object> ppl = http().retrieve(HttpRequest.POST("/v1/perplexity", Map.of("seqlen", 64, "text", TEXT)), MAP);
        Perplexity.Result direct = AutoRound.perplexity(DemoAssets.model(), textFile(), 64, null);
        assertEquals(direct.perplexity(), ((Number) ppl.get("perplexity")).doubleValue(), 1e-9);
        assertEquals(direct.scoredTokens(), ((Number) ppl.get("scored_tokens")).longValue());
    }
}
