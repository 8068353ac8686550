package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.support.TestPropertyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Gives each test class its own output root, state folder and models root under target/, and job helpers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServiceTestBase implements TestPropertyProvider {
    protected final Path base;

    protected ServiceTestBase() {
        try {
            base = Files.createDirectories(Path.of("target", "service-tests")).toAbsolutePath()
                    .resolve(getClass().getSimpleName() + "-" + System.nanoTime());
            Files.createDirectories(base.resolve("models"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("autoround.output-root", base.resolve("outputs").toString(),
                "autoround.state-dir", base.resolve("state").toString(),
                "autoround.models-root", base.resolve("models").toString());
    }

    protected Path outputRoot() {
        return base.resolve("outputs");
    }

    /** Submits a job and returns its id (asserting 202). */
    @SuppressWarnings("unchecked")
    protected static String submit(BlockingHttpClient http, String body) {
        HttpResponse<Map> r;
        try {
            r = http.exchange(HttpRequest.POST("/v1/jobs", body).contentType("application/json"), Map.class);
        } catch (HttpClientResponseException e) {
            throw new AssertionError("submission refused: " + e.getStatus() + " "
                    + e.getResponse().getBody(String.class).orElse(""), e);
        }
        assertEquals(HttpStatus.ACCEPTED, r.getStatus());
        return (String) r.body().get("id");
    }

    /** Polls a job until it is terminal (at most {@code seconds}). */
    @SuppressWarnings("unchecked")
    protected static Map<String, Object> awaitEnd(BlockingHttpClient http, String id, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Map<String, Object> job = http.retrieve("/v1/jobs/" + id, Map.class);
            if (!job.get("state").equals("QUEUED") && !job.get("state").equals("RUNNING")) {
                return job;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        fail("job " + id + " did not finish within " + seconds + " s");
        return null;
    }

    /** Sends a request that must fail; returns status and parsed error body. */
    @SuppressWarnings("unchecked")
    protected static Failure fails(BlockingHttpClient http, HttpRequest<?> req) {
        try {
            HttpResponse<String> r = http.exchange(req, String.class);
            fail("expected an error, got " + r.getStatus() + ": " + r.body());
            return null;
        } catch (HttpClientResponseException e) {
            Map<String, Object> body = e.getResponse().getBody(Argument.mapOf(String.class, Object.class)).orElse(Map.of());
            return new Failure(e.getStatus().getCode(), body);
        }
    }

    /** An error answer. */
    protected record Failure(int status, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> errors() {
            return (java.util.List<Map<String, Object>>) body.getOrDefault("errors", java.util.List.of());
        }

        boolean hasFieldError(String field, String fragment) {
            return errors().stream().anyMatch(e -> field.equals(e.get("field")) && String.valueOf(e.get("message")).contains(fragment));
        }
    }
}
