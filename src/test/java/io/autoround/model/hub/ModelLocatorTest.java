package io.autoround.model.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.autoround.model.hub.HubTestSupport.COMMIT;
import static io.autoround.model.hub.HubTestSupport.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model arguments: local folders as is, hub ids downloaded, anything else rejected clearly. */
class ModelLocatorTest {

    @TempDir
    Path cache;

    private HubFixtureServer server;
    private ModelLocator locator;

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        server.addRepo(RepoType.MODEL, REPO, COMMIT, HubTestSupport.storiesFiles());
        locator = new ModelLocator(HubTestSupport.quietClient(
                HubTestSupport.hfSettings(server.endpoint(), cache, Map.of()), 1));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void existingFolderIsUsedAsIsWithoutNetwork() {
        Path dir = HubTestSupport.storiesDir();
        assertEquals(dir.toAbsolutePath().normalize(), locator.resolve(dir.toString()));
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void hubIdIsDownloadedWithTheDefaultFileSet() throws IOException {
        Path snapshot = locator.resolve(REPO);
        assertEquals(cache.resolve("models--autoround-test--stories260k/snapshots/" + COMMIT), snapshot);
        try (var list = Files.list(snapshot)) {
            List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("config.json", "generation_config.json", "model.safetensors", "reference_logits.json",
                    "reference_ppl.json", "special_tokens_map.json", "tokenizer.json", "tokenizer.model",
                    "tokenizer_config.json"), names);
        }
        assertArrayEquals(Files.readAllBytes(HubTestSupport.storiesDir().resolve("model.safetensors")),
                Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void hubIdWithRevision() {
        assertEquals(cache.resolve("models--autoround-test--stories260k/snapshots/" + COMMIT),
                locator.resolve(REPO + "@" + COMMIT));
        assertTrue(server.requests().get(0).target().endsWith("/revision/" + COMMIT));
    }

    @Test
    void neitherFolderNorHubIdIsRejected() {
        HubException e = assertThrows(HubException.class, () -> locator.resolve("/no/such/model/folder"));
        assertEquals(HubException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("no such folder and not a hub id"), e.getMessage());
        assertTrue(server.requests().isEmpty());

        HubException blank = assertThrows(HubException.class, () -> locator.resolve(" "));
        assertEquals(HubException.Kind.INVALID_INPUT, blank.kind());

        HubException file = assertThrows(HubException.class,
                () -> locator.resolve(HubTestSupport.storiesDir().resolve("config.json").toString()));
        assertTrue(file.getMessage().contains("is a file"), file.getMessage());

        HubException dashes = assertThrows(HubException.class, () -> locator.resolve("org/bad--name"));
        assertTrue(dashes.getMessage().contains("'--'"), dashes.getMessage());
    }

    @Test
    void unknownHubIdSaysItIsNoLocalFolderEither() {
        HubException e = assertThrows(HubException.class, () -> locator.resolve("nobody/missing-model"));
        assertEquals(HubException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().startsWith("'nobody/missing-model' is no local folder")
                && e.getMessage().contains("404"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--nobody--missing-model/refs")));
    }
}
