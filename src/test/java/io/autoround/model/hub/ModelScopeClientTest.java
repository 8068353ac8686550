package io.autoround.model.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.autoround.model.hub.HubTestSupport.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AR_USE_MODELSCOPE=1: the same snapshot API over the ModelScope protocol, against a real local server. */
class ModelScopeClientTest {

    @TempDir
    Path root;

    private HubFixtureServer server;
    private Map<String, byte[]> files;

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        files = HubTestSupport.storiesFiles();
        server.addRepo(RepoType.MODEL, REPO, "ms-commit-1", files);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubSettings settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("AR_USE_MODELSCOPE", "1");
        env.put("MODELSCOPE_ENDPOINT", server.endpoint());
        env.put("MODELSCOPE_CACHE", root.toString());
        env.put("HF_ENDPOINT", "http://must-not-be-used.invalid");
        return HubSettings.fromEnvironment(env);
    }

    @Test
    void modelSnapshotUsesTheModelScopeApiAndDefaultRevisionMaster() throws IOException {
        HubSettings settings = settings(Map.of());
        assertEquals(HubPlatform.MODELSCOPE, settings.platform());
        Path snapshot = HubTestSupport.quietClient(settings, 1).snapshot(REPO, RepoType.MODEL, null, null);

        Path repoDir = root.resolve("hf-layout/models--autoround-test--stories260k");
        assertEquals(repoDir.resolve("snapshots/master"), snapshot);
        assertEquals("master", Files.readString(repoDir.resolve("refs/master")));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path pointer = snapshot.resolve(e.getKey());
            assertEquals(Path.of("../../blobs/" + HubFixtureServer.sha256(e.getValue())),
                    Files.readSymbolicLink(pointer), e.getKey());
            assertArrayEquals(e.getValue(), Files.readAllBytes(pointer), e.getKey());
        }
        assertFalse(Files.exists(snapshot.resolve(".gitattributes")), ".gitattributes is skipped like modelscope");
        List<String> targets = server.requests().stream().map(HubFixtureServer.Request::target).toList();
        assertEquals("/api/v1/models/" + REPO + "/repo/files?Revision=master&Recursive=true", targets.get(0));
        assertTrue(targets.contains("/api/v1/models/" + REPO + "/repo?Revision=master&FilePath=model.safetensors"),
                targets.toString());
    }

    @Test
    void interruptedModelScopeDownloadResumes() throws IOException {
        byte[] weights = files.get("model.safetensors");
        server.cutDownloads(weights, 100_000, 1);
        HubSettings settings = settings(Map.of());
        HubException cut = assertThrows(HubException.class, () -> HubTestSupport.quietClient(settings, 1)
                .snapshot(REPO, RepoType.MODEL, null, List.of("model.safetensors")));
        assertEquals(HubException.Kind.NETWORK, cut.kind());
        long partial = Files.size(root.resolve("hf-layout/models--autoround-test--stories260k/blobs/"
                + HubFixtureServer.sha256(weights) + ".incomplete"));
        assertTrue(partial > 0 && partial <= 100_000, "partial size " + partial);
        server.clearRequests();
        Path snapshot = HubTestSupport.quietClient(settings, 1).snapshot(REPO, RepoType.MODEL, null,
                List.of("model.safetensors"));
        assertTrue(server.requests().stream().anyMatch(r -> ("bytes=" + partial + "-").equals(r.range())
                && r.target().endsWith("FilePath=model.safetensors")), server.requests().toString());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void datasetListingIsPagedAndFilesComeFromTheDatasetApi() throws IOException {
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            data.put(String.format("shards/part-%03d.jsonl", i),
                    ("{\"text\": \"line " + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        server.addRepo(RepoType.DATASET, "swift/tiny-pile", "ms-data-1", data);
        Path snapshot = HubTestSupport.quietClient(settings(Map.of()), 1)
                .snapshot("swift/tiny-pile", RepoType.DATASET, null, List.of("shards/part-11*.jsonl"));
        assertEquals(root.resolve("hf-layout/datasets--swift--tiny-pile/snapshots/master"), snapshot);
        try (var list = Files.list(snapshot.resolve("shards"))) {
            assertEquals(10, list.count());
        }
        assertArrayEquals(data.get("shards/part-115.jsonl"), Files.readAllBytes(snapshot.resolve("shards/part-115.jsonl")));
        List<String> targets = server.requests().stream().map(HubFixtureServer.Request::target).toList();
        // 122 entries (with .gitattributes and a folder) need two pages of 100
        assertTrue(targets.get(0).startsWith("/api/v1/datasets/swift/tiny-pile/repo/tree?Revision=master")
                && targets.get(0).contains("PageNumber=1&PageSize=100"), targets.get(0));
        assertTrue(targets.get(1).contains("PageNumber=2&PageSize=100"), targets.get(1));
        assertTrue(targets.contains("/api/v1/datasets/swift/tiny-pile/repo?Revision=master&FilePath=shards%2Fpart-115.jsonl"),
                targets.toString());
    }

    @Test
    void offlineAfterDownloadAndErrorsForUnknownRepoOrRevision() {
        Path online = HubTestSupport.quietClient(settings(Map.of()), 1)
                .snapshot(REPO, RepoType.MODEL, null, List.of("config.json"));
        Path offline = HubTestSupport.quietClient(settings(Map.of("HF_HUB_OFFLINE", "1")), 1)
                .snapshot(REPO, RepoType.MODEL, null, null);
        assertEquals(online, offline);

        HubException missing = assertThrows(HubException.class, () -> HubTestSupport.quietClient(settings(Map.of()), 1)
                .snapshot("nobody/nothing", RepoType.MODEL, null, null));
        assertEquals(HubException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("nobody/nothing"), missing.getMessage());

        HubException badRevision = assertThrows(HubException.class, () -> HubTestSupport
                .quietClient(settings(Map.of()), 1).snapshot(REPO, RepoType.MODEL, "v2", null));
        assertEquals(HubException.Kind.NOT_FOUND, badRevision.kind());
        assertTrue(badRevision.getMessage().contains("Revision v2 not exist"), badRevision.getMessage());
    }
}
