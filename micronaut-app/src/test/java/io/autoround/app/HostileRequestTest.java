package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 against the HTTP service, by class: unbounded sizes (2), internal errors (3), fields silently ignored
 * (4) and files outside their root (6). Every refusal asserts its status, that the JSON error names the field and
 * the value, and, for job submissions, that the model folder is byte-for-byte unchanged and nothing (no job
 * folder, no temp folder) appeared in the output root.
 */
@MicronautTest
class HostileRequestTest extends ServiceTestBase {
    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    EmbeddedServer server;

    @Inject
    JsonMapper json;

    @Inject
    io.autoround.app.web.JsonErrorResponses frameworkErrors;

    private Path model;

    @BeforeAll
    void copyModel() throws Exception {
        model = FolderState.copyTinyModel(base.resolve("models").resolve("tiny"));
    }

    private BlockingHttpClient http() {
        return client.toBlocking();
    }

    /** Submits a job that must be refused, checking that nothing on disk moved. */
    private Failure refusedJob(String body) {
        FolderState before = FolderState.of(model, outputRoot());
        Failure f = fails(http(), HttpRequest.POST("/v1/jobs", body).contentType("application/json"));
        before.assertUnchanged(model, outputRoot(), body.length() > 200 ? body.substring(0, 200) : body);
        return f;
    }

    private Failure post(String route, String body) {
        return fails(http(), HttpRequest.POST(route, body).contentType("application/json"));
    }

    /** A request sent byte for byte, answered with status and parsed JSON body (asserting it is JSON). */
    private Raw raw(String method, String route, String contentType, String body) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(URI.create(server.getURI() + route))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        var r = java.net.http.HttpClient.newHttpClient().send(b.build(), BodyHandlers.ofString());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                method + " " + route + " answered " + r.headers().firstValue("Content-Type") + ": " + r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = json.readValue(r.body(), Map.class);
        return new Raw(new Failure(r.statusCode(), parsed), r.body());
    }

    private record Raw(Failure failure, String text) {}

    // ---- class 2: every size from a request is checked against the model and the service's limits ----

    @Test
    void class2GenerationWindowIsCheckedAgainstTheModelsPositions() {
        Failure f = post("/v1/generate", "{\"model\": \"tiny\", \"prompt\": \"Once upon a time\", \"max_new_tokens\": 600}");
        assertEquals(400, f.status(), f.body().toString());
        assertTrue(f.hasFieldError("max_new_tokens", "max_new_tokens 600"), f.body().toString());
        assertTrue(f.hasFieldError("max_new_tokens", "max_position_embeddings 512"), f.body().toString());
        assertTrue(f.hasFieldError("max_new_tokens", "allowed for this prompt: 1 to"), f.body().toString());
        // a prompt over the character limit is refused before it is tokenized
        Failure chars = post("/v1/generate", "{\"prompt\": \"" + "a".repeat(100_001) + "\"}");
        assertEquals(400, chars.status());
        assertTrue(chars.hasFieldError("prompt", "100001 characters, more than the limit of 100000"), chars.body().toString());
        Failure many = post("/v1/generate", "{\"max_new_tokens\": 5000}");
        assertTrue(many.hasFieldError("max_new_tokens", "between 1 and 1024, got 5000"), many.body().toString());
    }

    @Test
    void class2PerplexityWindowIsCheckedAgainstModelAndLimit() {
        Failure positions = post("/v1/perplexity", "{\"model\": \"tiny\", \"seqlen\": 1000}");
        assertEquals(400, positions.status());
        assertTrue(positions.hasFieldError("seqlen", "seqlen 1000 exceeds the model's max_position_embeddings 512"),
                positions.body().toString());
        Failure limit = post("/v1/perplexity", "{\"model\": \"tiny\", \"seqlen\": 100000}");
        assertTrue(limit.hasFieldError("seqlen", "between 2 and 4096, got 100000"), limit.body().toString());
        Failure huge = post("/v1/perplexity", "{\"seqlen\": 99999999999999}");
        assertTrue(huge.hasFieldError("seqlen", "got 99999999999999"), huge.body().toString());
    }

    @Test
    void class2JobSizesAreCheckedAgainstTheModel() {
        Failure seq = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"seqlen\": 1024}");
        assertTrue(seq.hasFieldError("seqlen", "seqlen 1024 exceeds the model's max_position_embeddings 512"), seq.body().toString());
        Failure group = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"group_size\": 4096}");
        // named by the service ("group_size") or, when the core checks it first in plan(), under "options"
        assertTrue(group.errors().stream().anyMatch(e -> List.of("group_size", "options").contains(e.get("field"))
                && e.get("message").toString().contains("group_size 4096") && e.get("message").toString().contains("172")),
                group.body().toString());
        Failure blocks = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"nblocks\": 9}");
        assertTrue(blocks.hasFieldError("nblocks", "nblocks 9 exceeds the model's 5 decoder blocks"), blocks.body().toString());
        Failure iters = refusedJob("{\"model\": \"tiny\", \"iters\": 1000000000000}");
        assertTrue(iters.hasFieldError("iters", "between 0 and 100000, got 1000000000000"), iters.body().toString());
    }

    @Test
    void class2MemoryBudgetsOfAJobAreChecked() {
        Failure cal = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"nsamples\": 8192, \"seqlen\": 512}");
        assertEquals(400, cal.status());
        assertTrue(cal.hasFieldError("nsamples", "nsamples 8192 x seqlen 512 = 4194304 calibration tokens"), cal.body().toString());
        assertTrue(cal.hasFieldError("nsamples", "max-calibration-tokens"), cal.body().toString());
        Failure batch = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"nsamples\": 256, \"batch_size\": 256, \"seqlen\": 512}");
        assertTrue(batch.hasFieldError("batch_size", "batch_size 256 x seqlen 512 = 131072 tokens per batch"), batch.body().toString());
        StringBuilder layers = new StringBuilder("{\"model\": \"tiny\", \"iters\": 0, \"layer_config\": {");
        for (int i = 0; i < 5000; i++) {
            layers.append(i == 0 ? "" : ",").append("\"layers.").append(i).append(".mlp\": \"W4A16\"");
        }
        Failure entries = refusedJob(layers.append("}}").toString());
        assertTrue(entries.hasFieldError("layer_config", "has 5000 entries, more than this service's limit of 4096"),
                entries.body().toString());
    }

    @Test
    void class2BodiesOverTheSizeLimitAre413() throws Exception {
        FolderState before = FolderState.of(model, outputRoot());
        Raw r = raw("POST", "/v1/jobs", "application/json", "{\"seed\": 1, \"pad\": \"" + "x".repeat(11 * 1024 * 1024) + "\"}");
        assertEquals(413, r.failure().status(), r.text());
        assertTrue(r.failure().hasFieldError("body", "larger than this service's limit of 10485760 bytes"), r.text());
        before.assertUnchanged(model, outputRoot(), "oversized body");
    }

    // ---- class 3: no internal error reaches the user; each answer names the field, the value and what is allowed ----

    @Test
    void class3LayerConfigWithWrongTypesIs400PerEntry() {
        Failure f = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"layer_config\": {\"mlp\\\\.down_proj\": {\"group_size\": \"big\"},"
                + " \"self_attn\": {\"sym\": \"yes\", \"bitz\": 4}, \"q_proj\": \"W9A9\", \"k_proj\": [4], \"v_proj\": {\"bits\": 4.5}}}");
        assertEquals(400, f.status(), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.mlp\\.down_proj", "'group_size' must be an integer between -1 and"), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.mlp\\.down_proj", "\"big\""), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.self_attn", "'sym' must be true or false, got a string \"yes\""), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.q_proj", "unknown scheme \"W9A9\" (known:"), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.k_proj", "got an array [4]"), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.v_proj", "'bits' must be an integer between 1 and 16, got a fractional number 4.5"),
                f.body().toString());
        Failure regex = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"layer_config\": {\"mlp(\": \"W4A16\"}}");
        assertTrue(regex.hasFieldError("layer_config.mlp(", "neither a layer name nor a valid regex"), regex.body().toString());
    }

    @Test
    void class3DeepNestingIsRefusedWithoutAStackTrace() {
        String deep = "[".repeat(50) + "]".repeat(50);
        Failure job = refusedJob("{\"model\": \"tiny\", \"layer_config\": {\"x\": " + deep + "}}");
        assertEquals(400, job.status());
        assertTrue(job.hasFieldError("body", "nesting depth"), job.body().toString());
        assertTrue(job.hasFieldError("body", "allows nesting depth 32"), job.body().toString());
        Failure gen = post("/v1/generate", "{\"prompt\": " + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}");
        assertTrue(gen.hasFieldError("body", "nesting depth"), gen.body().toString());
        Failure ppl = post("/v1/perplexity", "{\"text\": " + deep + "}");
        assertTrue(ppl.hasFieldError("body", "nesting depth"), ppl.body().toString());
    }

    @Test
    void class3NonFiniteNumbersAndTrailingGarbageAre400() {
        Failure inf = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"lr\": 1e999}");
        assertTrue(inf.hasFieldError("lr", "must be a finite number"), inf.body().toString());
        assertTrue(inf.hasFieldError("lr", "Infinity"), inf.body().toString());
        Failure nan = refusedJob("{\"model\": \"tiny\", \"momentum\": NaN}");
        assertTrue(nan.hasFieldError("body", "malformed JSON"), nan.body().toString());
        assertTrue(nan.hasFieldError("body", "NaN"), nan.body().toString());
        Failure trailing = refusedJob("{\"model\": \"tiny\", \"iters\": 0} {\"iters\": 5}");
        assertTrue(trailing.hasFieldError("body", "malformed JSON"), trailing.body().toString());
        assertTrue(trailing.hasFieldError("body", "Trailing token"), trailing.body().toString());
        Failure digits = refusedJob("{\"model\": \"tiny\", \"seed\": " + "9".repeat(500) + "}");
        assertTrue(digits.hasFieldError("body", "numbers of at most 100 characters"), digits.body().toString());
        Failure frac = post("/v1/generate", "{\"max_new_tokens\": 2.5}");
        assertTrue(frac.hasFieldError("max_new_tokens", "must be an integer between 1 and 1024, got a fractional number 2.5"),
                frac.body().toString());
    }

    @Test
    void class3WrongBodiesContentTypesRoutesAndMethodsAnswerJson() throws Exception {
        FolderState before = FolderState.of(model, outputRoot());
        Raw text = raw("POST", "/v1/jobs", "text/plain", "{\"model\": \"tiny\"}");
        assertEquals(415, text.failure().status(), text.text());
        assertTrue(text.failure().hasFieldError("Content-Type", "must be application/json, got text/plain"), text.text());
        Raw empty = raw("POST", "/v1/jobs", "application/json", "");
        assertEquals(400, empty.failure().status(), empty.text());
        assertTrue(empty.failure().hasFieldError("body", "empty body"), empty.text());
        for (String body : List.of("null", "42", "\"tiny\"", "[{\"model\": \"tiny\"}]")) {
            Raw r = raw("POST", "/v1/jobs", "application/json", body);
            assertEquals(400, r.failure().status(), body + " -> " + r.text());
            assertTrue(r.failure().hasFieldError("body", "must be a JSON object"), body + " -> " + r.text());
        }
        Raw put = raw("PUT", "/v1/jobs", "application/json", "{}");
        assertEquals(405, put.failure().status(), put.text());
        assertTrue(put.failure().hasFieldError("method", "PUT is not allowed on /v1/jobs"), put.text());
        Raw none = raw("GET", "/v1/nosuch", null, null);
        assertEquals(404, none.failure().status(), none.text());
        assertTrue(none.failure().hasFieldError("path", "no route GET /v1/nosuch"), none.text());
        before.assertUnchanged(model, outputRoot(), "wrong bodies");
        Failure unknown = post("/v1/generate", "{\"promt\": \"hi\"}");
        assertTrue(unknown.hasFieldError("promt", "unknown field (known:"), unknown.body().toString());
        assertTrue(unknown.hasFieldError("promt", "prompt"), unknown.body().toString());
    }

    @Test
    void class3BadInputThatEscapesAsAnExceptionIs400NotA500() {
        // what the framework answers for an exception no handler mapped: bad-input types (also when wrapped) become
        // 400 naming the problem; a real fault stays 500 with a JSON body that does not leak the stack trace
        var wrapped = new IllegalStateException("while loading", new IllegalArgumentException("vocab_size -3 must be positive"));
        var bad = frameworkErrors.processResponse(io.micronaut.http.server.exceptions.response.ErrorContext
                .builder(HttpRequest.POST("/v1/generate", "{}")).cause(wrapped).errorMessage("Internal Server Error").build(),
                io.micronaut.http.HttpResponse.serverError());
        assertEquals(400, bad.getStatus().getCode());
        assertEquals("request", bad.body().errors().get(0).field());
        assertTrue(bad.body().errors().get(0).message().contains("vocab_size -3 must be positive"), bad.body().toString());
        var npe = frameworkErrors.processResponse(io.micronaut.http.server.exceptions.response.ErrorContext
                .builder(HttpRequest.GET("/v1/jobs")).cause(new NullPointerException("x")).errorMessage("Internal Server Error").build(),
                io.micronaut.http.HttpResponse.serverError());
        assertEquals(500, npe.getStatus().getCode());
        assertEquals("internal error", npe.body().error());
        assertTrue(npe.body().errors().get(0).message().contains("NullPointerException"), npe.body().toString());
        assertFalse(npe.body().toString().contains("at io."), npe.body().toString());
    }

    // ---- class 4: nothing is accepted and then silently ignored ----

    @Test
    void class4OptionsTheCoreDoesNotImplementAreRefusedAs400() {
        // the core refuses them in plan(); the service answers 400 naming the option instead of queuing a job
        Failure alg = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"enable_alg_ext\": true}");
        assertEquals(400, alg.status(), alg.body().toString());
        assertTrue(alg.hasFieldError("options", "enable_alg_ext"), alg.body().toString());
        Failure norm = refusedJob("{\"model\": \"tiny\", \"iters\": 1, \"enable_norm_bias_tuning\": true}");
        assertTrue(norm.hasFieldError("options", "enable_norm_bias_tuning"), norm.body().toString());
        Failure blocks = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"to_quant_block_names\": 7}");
        assertTrue(blocks.hasFieldError("to_quant_block_names", "must be a string or an array of strings, got an integer 7"),
                blocks.body().toString());
    }

    @Test
    void class4ContradictoryOrClampedFieldsAreRefused() {
        Failure both = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"format\": \"auto_gptq\", \"formats\": [\"auto_round\"]}");
        assertTrue(both.hasFieldError("format", "give either format or formats, not both"), both.body().toString());
        Failure sym = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"sym\": true, \"asym\": true}");
        assertTrue(sym.hasFieldError("asym", "contradicts sym: got sym true and asym true"), sym.body().toString());
        Failure shard = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"max_shard_bytes\": 10}");
        assertTrue(shard.hasFieldError("max_shard_bytes", "between 1048576 and"), shard.body().toString());
        assertTrue(shard.hasFieldError("max_shard_bytes", "got 10"), shard.body().toString());
    }

    @Test
    void class4LayerSettingsTheCoreWouldDropAreRefused() {
        Failure f = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"layer_config\": {\"mlp\": {\"bits\": 17},"
                + " \"self_attn\": {\"scale_dtype\": \"fp32\"}, \"o_proj\": {\"fixed_by_user\": true}, \"up_proj\": {\"act_bits\": 0}}}");
        assertTrue(f.hasFieldError("layer_config.mlp", "'bits' must be an integer between 1 and 16, got an integer 17"),
                f.body().toString());
        assertTrue(f.hasFieldError("layer_config.up_proj", "'act_bits' must be an integer between 1 and 32, got an integer 0"),
                f.body().toString());
        assertTrue(f.hasFieldError("layer_config.self_attn", "unknown setting 'scale_dtype' (allowed: scheme, bits"), f.body().toString());
        assertTrue(f.hasFieldError("layer_config.o_proj", "unknown setting 'fixed_by_user'"), f.body().toString());
        Failure gpu = refusedJob("{\"model\": \"tiny\", \"iters\": 0, \"device_map\": \"cuda:7\"}");
        assertEquals(400, gpu.status());
        assertTrue(gpu.errors().get(0).get("message").toString().contains("cuda:7"), gpu.body().toString());
    }

    // ---- class 6: files are read and served only from inside their root, by real path ----

    @Test
    void class5DamagedCheckpointsAreRefusedAtSubmission() throws Exception {
        // config numbers out of range, a config that disagrees with the tensors, a truncated weights file
        Path eps = FolderState.copyTinyModel(base.resolve("models").resolve("bad-eps"));
        editConfig(eps, "rms_norm_eps", -1e-6);
        Failure f = refusedJobOn(eps, "{\"model\": \"bad-eps\", \"iters\": 0}");
        assertTrue(f.body().toString().contains("rms_norm_eps"), f.body().toString());
        Path vocab = FolderState.copyTinyModel(base.resolve("models").resolve("bad-vocab"));
        editConfig(vocab, "vocab_size", 1000);
        f = refusedJobOn(vocab, "{\"model\": \"bad-vocab\", \"iters\": 0}");
        assertTrue(f.body().toString().contains("embed_tokens"), f.body().toString());
        Path cut = FolderState.copyTinyModel(base.resolve("models").resolve("truncated"));
        Path weights = cut.resolve("model.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(weights, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(weights) - 4096);
        }
        f = refusedJobOn(cut, "{\"model\": \"truncated\", \"iters\": 0}");
        assertTrue(f.body().toString().contains("model.safetensors"), f.body().toString());
    }

    private void editConfig(Path dir, String field, Object value) throws Exception {
        Path config = dir.resolve("config.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> c = json.readValue(Files.readAllBytes(config), Map.class);
        c.put(field, value);
        Files.write(config, json.writeValueAsBytes(c));
    }

    @Test
    void class6ModelFoldersLinkingOutsideTheModelsRootAreRefused() throws Exception {
        Path secret = Files.writeString(base.resolve("secret.txt"), "{{ 'top secret' }}");
        Path linked = FolderState.copyTinyModel(base.resolve("models").resolve("linked"));
        Files.createSymbolicLink(linked.resolve("chat_template.jinja"), secret);
        FolderState before = FolderState.of(linked, outputRoot());
        Failure job = fails(http(), HttpRequest.POST("/v1/jobs", "{\"model\": \"linked\", \"iters\": 0}").contentType("application/json"));
        before.assertUnchanged(linked, outputRoot(), "linked job");
        assertEquals(400, job.status());
        assertTrue(job.hasFieldError("model", "'chat_template.jinja' is a symbolic link to " + secret.toRealPath()), job.body().toString());
        Failure gen = post("/v1/generate", "{\"model\": \"linked\", \"max_new_tokens\": 2}");
        assertTrue(gen.hasFieldError("model", "'chat_template.jinja' is a symbolic link"), gen.body().toString());
        assertFalse(gen.body().toString().contains("top secret"));

        // a tokenizer linked to a file outside, a linked sub-folder and a broken link are refused as well
        Path tok = FolderState.copyTinyModel(base.resolve("models").resolve("tok"));
        Files.delete(tok.resolve("tokenizer.json"));
        Files.createSymbolicLink(tok.resolve("tokenizer.json"), secret);
        assertTrue(post("/v1/perplexity", "{\"model\": \"tok\"}").hasFieldError("model", "'tokenizer.json' is a symbolic link"));
        Path sub = FolderState.copyTinyModel(base.resolve("models").resolve("sub"));
        Files.createSymbolicLink(sub.resolve("extra"), Files.createDirectories(base.resolve("outside-dir")));
        assertTrue(refusedJobOn(sub, "{\"model\": \"sub\", \"iters\": 0}").hasFieldError("model", "'extra' is a symbolic link"));
        Path broken = FolderState.copyTinyModel(base.resolve("models").resolve("broken-link"));
        Files.createSymbolicLink(broken.resolve("notes.txt"), base.resolve("nothing-here.txt"));
        assertTrue(refusedJobOn(broken, "{\"model\": \"broken-link\", \"iters\": 0}")
                .hasFieldError("model", "'notes.txt' is a broken symbolic link"));
    }

    private Failure refusedJobOn(Path dir, String body) {
        FolderState before = FolderState.of(dir, outputRoot());
        Failure f = fails(http(), HttpRequest.POST("/v1/jobs", body).contentType("application/json"));
        before.assertUnchanged(dir, outputRoot(), body);
        assertEquals(400, f.status());
        return f;
    }

    @Test
    void class6LinksThatStayInsideTheModelFolderAreFine() throws Exception {
        Path shared = FolderState.copyTinyModel(base.resolve("models").resolve("shared-tok"));
        Path store = Files.createDirectories(shared.resolve("store"));
        Files.move(shared.resolve("tokenizer.json"), store.resolve("tokenizer.json"));
        Files.createSymbolicLink(shared.resolve("tokenizer.json"), Path.of("store", "tokenizer.json"));
        // a link to another model's file (inside the models root, outside this model) is refused, as the core does
        Path sibling = FolderState.copyTinyModel(base.resolve("models").resolve("sibling-tok"));
        Files.delete(sibling.resolve("tokenizer.json"));
        Files.createSymbolicLink(sibling.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
        Failure f = post("/v1/generate", "{\"model\": \"sibling-tok\", \"max_new_tokens\": 3}");
        assertEquals(400, f.status());
        assertTrue(f.hasFieldError("model", "'tokenizer.json' is a symbolic link to " + model.toRealPath().resolve("tokenizer.json")),
                f.body().toString());
        Map<?, ?> gen = http().retrieve(HttpRequest.POST("/v1/generate", "{\"model\": \"shared-tok\", \"max_new_tokens\": 3}")
                .contentType("application/json"), Map.class);
        assertTrue(((Number) gen.get("new_tokens")).intValue() > 0, gen.toString());
    }

    @Test
    void class6AJobFolderReplacedByALinkIsNotServed() throws Exception {
        String id = submit(http(), "{\"model\": \"tiny\", \"iters\": 0, \"disable_opt_rtn\": true}");
        assertEquals("SUCCEEDED", awaitEnd(http(), id, 120).get("state"));
        Path outside = Files.createDirectories(base.resolve("stolen"));
        Files.writeString(outside.resolve("config.json"), "top secret");
        Path jobDir = outputRoot().resolve(id);
        Files.move(jobDir, base.resolve("moved-" + id));
        Files.createSymbolicLink(jobDir, outside);
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create(server.getURI() + "/v1/jobs/" + id + "/files/config.json")).build(), BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("symbolic link pointing outside"), r.body());
        assertFalse(r.body().contains("top secret"));
        Failure gen = post("/v1/generate", "{\"job_id\": \"" + id + "\"}");
        assertEquals(400, gen.status());
        assertTrue(gen.hasFieldError("job_id", "resolves outside its root folder"), gen.body().toString());
    }
}
