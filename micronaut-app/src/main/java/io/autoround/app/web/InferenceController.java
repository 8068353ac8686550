package io.autoround.app.web;

import io.autoround.api.DemoAssets;
import io.autoround.app.ServiceConfig;
import io.autoround.app.infer.BackendSelector;
import io.autoround.app.infer.InferenceBackend;
import io.autoround.app.infer.ModelCache;
import io.autoround.app.infer.ModelTarget;
import io.autoround.eval.GreedyGenerator;
import io.autoround.eval.Perplexity;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Greedy generation and perplexity on a quantized or fp model, given by path, hub id or job id. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class InferenceController {
    private static final Set<String> TARGET = Set.of("model", "job_id", "output", "backend");
    private final ModelTarget targets;
    private final BackendSelector backends;
    private final ModelCache cache;
    private final ServiceConfig config;

    public InferenceController(ModelTarget targets, BackendSelector backends, ModelCache cache, ServiceConfig config) {
        this.targets = targets;
        this.backends = backends;
        this.cache = cache;
        this.config = config;
    }

    /** Generated text. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Generation(String model, String backend, String prompt, String completion, int promptTokens,
            int newTokens, double seconds) {}

    /** A perplexity measurement. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PerplexityResult(String model, String backend, double perplexity, double meanNll, long scoredTokens,
            int windows, int seqlen, double seconds) {}

    /** Body: model | job_id (+ output), prompt, max_new_tokens, backend (auto). */
    @Post(value = "/generate", consumes = MediaType.APPLICATION_JSON)
    public Generation generate(@Body String body) {
        JsonFields f = JsonFields.parse(body, union(TARGET, Set.of("prompt", "max_new_tokens")), config.getMaxJsonDepth());
        String prompt = f.string("prompt", "Once upon a time", config.getMaxPromptChars());
        int maxNew = f.integer("max_new_tokens", 64, 1, config.getMaxNewTokens());
        String backendName = f.string("backend", "auto", 100);
        Path dir = targets.resolve(f);
        InferenceBackend backend = backends.select(backendName, dir);
        long t0 = System.nanoTime();
        return run(dir, backend, m -> {
            long[] ids = m.tokenizer().encode(prompt);
            checkWindow(ids.length, maxNew, m.model().config().maxPositionEmbeddings());
            Set<Long> stops = new HashSet<>();
            if (m.tokenizer().eosTokenId() != null) {
                stops.add((long) m.tokenizer().eosTokenId());
            }
            long[] out = new GreedyGenerator(m.model()).generate(ids, maxNew, stops);
            String completion = m.tokenizer().decode(Arrays.copyOfRange(out, ids.length, out.length));
            return new Generation(dir.normalize().getFileName().toString(), backend.name(), prompt, completion, ids.length,
                    out.length - ids.length, (System.nanoTime() - t0) / 1e9);
        });
    }

    /** Body: model | job_id (+ output), text (default: the embedded evaluation text), seqlen, backend (auto). */
    @Post(value = "/perplexity", consumes = MediaType.APPLICATION_JSON)
    public PerplexityResult perplexity(@Body String body) throws IOException {
        JsonFields f = JsonFields.parse(body, union(TARGET, Set.of("text", "seqlen")), config.getMaxJsonDepth());
        String text = f.string("text", null, config.getMaxTextChars());
        int seqlen = f.integer("seqlen", 256, 2, config.getMaxContextTokens());
        String backendName = f.string("backend", "auto", 100);
        if (text != null && text.isBlank()) {
            f.error("text", "must not be empty");
        }
        Path dir = targets.resolve(f);
        String corpus = text != null ? text : Files.readString(DemoAssets.evalText());
        InferenceBackend backend = backends.select(backendName, dir);
        long t0 = System.nanoTime();
        return run(dir, backend, m -> {
            int positions = m.model().config().maxPositionEmbeddings();
            if (positions > 0 && seqlen > positions) {
                throw ApiException.badField("seqlen", "seqlen " + seqlen + " exceeds the model's max_position_embeddings "
                        + positions + " (allowed: 2 to " + positions + ")");
            }
            Perplexity.Result r;
            try {
                // at most 2 x max-context-tokens per forward: 8 windows of a long seqlen would multiply the
                // logits (tokens x vocab floats) and attention memory by 8
                int batch = Math.max(1, Math.min(8, 2 * config.getMaxContextTokens() / seqlen));
                r = Perplexity.evaluate(m.model(), m.tokenizer(), corpus, Perplexity.Options.of(seqlen).withBatchSize(batch));
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("text", e.getMessage());
            }
            return new PerplexityResult(dir.normalize().getFileName().toString(), backend.name(), r.perplexity(), r.meanNll(),
                    r.scoredTokens(), r.windows(), seqlen, (System.nanoTime() - t0) / 1e9);
        });
    }

    /**
     * Refuses a generation whose window (prompt + new tokens) is longer than the model's positions or this
     * service's limit, before any compute: attention memory grows with the square of it.
     */
    private void checkWindow(int promptTokens, int maxNew, int positions) {
        int limit = positions > 0 ? Math.min(positions, config.getMaxContextTokens()) : config.getMaxContextTokens();
        String why = positions > 0 && positions <= config.getMaxContextTokens()
                ? "the model's max_position_embeddings " + positions
                : "this service's limit autoround.max-context-tokens " + config.getMaxContextTokens();
        if (promptTokens == 0) {
            throw ApiException.badField("prompt", "encodes to no tokens; give some text (this model's tokenizer adds no BOS)");
        }
        if (promptTokens >= limit) {
            throw ApiException.badField("prompt", "has " + promptTokens + " tokens; prompt + max_new_tokens must fit in "
                    + limit + " tokens (" + why + ")");
        }
        if ((long) promptTokens + maxNew > limit) {
            throw ApiException.badField("max_new_tokens", "max_new_tokens " + maxNew + " + " + promptTokens
                    + " prompt tokens exceeds " + limit + " tokens (" + why + "); allowed for this prompt: 1 to " + (limit - promptTokens));
        }
    }

    /** Runs on the cached model; a folder the core cannot read as a model is the request's fault (400). */
    private <T> T run(Path dir, InferenceBackend backend, java.util.function.Function<io.autoround.app.infer.LoadedModel, T> work) {
        try {
            return cache.withModel(dir, backend, work);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            if (io.autoround.app.jobs.InputErrors.isBadInput(e)) {
                throw ApiException.badField("model", "cannot run " + dir.normalize().getFileName() + ": "
                        + io.autoround.app.jobs.InputErrors.message(e));
            }
            throw e;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return s;
    }
}
