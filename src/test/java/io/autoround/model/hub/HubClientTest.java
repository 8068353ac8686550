package io.autoround.model.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.autoround.model.hub.HubTestSupport.COMMIT;
import static io.autoround.model.hub.HubTestSupport.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshot downloads against a real local HTTP hub serving the stories260k files. */
class HubClientTest {

    @TempDir
    Path cache;

    private HubFixtureServer server;
    private Map<String, byte[]> files;

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        files = HubTestSupport.storiesFiles();
        server.addRepo(RepoType.MODEL, REPO, COMMIT, files);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubClient client() {
        return HubTestSupport.quietClient(HubTestSupport.hfSettings(server.endpoint(), cache, Map.of()), 3);
    }

    @Test
    void fullSnapshotHasTheHubCacheLayoutAndTheSourceBytes() throws IOException {
        Path snapshot = client().snapshot(REPO, RepoType.MODEL, null, null);

        Path repoDir = cache.resolve("models--autoround-test--stories260k");
        assertEquals(repoDir.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repoDir.resolve("refs/main")));
        assertEquals(files.keySet().size(), Files.list(snapshot).count());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path pointer = snapshot.resolve(e.getKey());
            assertTrue(Files.isSymbolicLink(pointer), e.getKey() + " should be a symlink");
            String blobName = HubFixtureServer.isLfs(e.getKey()) ? HubFixtureServer.sha256(e.getValue())
                    : HubFixtureServer.gitOid(e.getValue());
            assertEquals(Path.of("../../blobs/" + blobName), Files.readSymbolicLink(pointer), e.getKey());
            assertArrayEquals(e.getValue(), Files.readAllBytes(pointer), e.getKey());
            assertArrayEquals(e.getValue(), Files.readAllBytes(repoDir.resolve("blobs").resolve(blobName)));
        }
        try (var blobs = Files.list(repoDir.resolve("blobs"))) {
            assertEquals(files.size(), blobs.filter(p -> !p.toString().endsWith(".incomplete")).count());
        }
        // LFS files were fetched from the CDN after the hub's 302.
        long cdnGets = server.requests().stream().filter(r -> r.server().equals("cdn")).count();
        assertEquals(files.keySet().stream().filter(HubFixtureServer::isLfs).count(), cdnGets);
    }

    @Test
    void fileMetadataComesFromHeadLikeHuggingfaceHub() {
        HubSettings settings = HubTestSupport.hfSettings(server.endpoint(), cache, Map.of());
        try (HubHttp http = new HubHttp(settings, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5))) {
            HuggingFaceProtocol hf = new HuggingFaceProtocol(http);
            RepoId id = new RepoId(REPO);
            byte[] weights = files.get("model.safetensors");
            FileLocation lfs = hf.locate(id, RepoType.MODEL, COMMIT, new RemoteFile("model.safetensors", -1, null));
            assertEquals(HubFixtureServer.sha256(weights), lfs.blobName());
            assertEquals(lfs.blobName(), lfs.sha256());
            assertEquals(weights.length, lfs.size());
            assertTrue(lfs.url().getPath().startsWith("/blobs/"), "download goes to the CDN location: " + lfs.url());

            byte[] config = files.get("config.json");
            FileLocation git = hf.locate(id, RepoType.MODEL, COMMIT, new RemoteFile("config.json", -1, null));
            assertEquals(HubFixtureServer.gitOid(config), git.blobName());
            assertNull(git.sha256(), "a git blob id is not a sha256 of the content");
            assertEquals(config.length, git.size());
            assertEquals(server.endpoint() + "/" + REPO + "/resolve/" + COMMIT + "/config.json", git.url().toString());
        }
        assertEquals("abc", HuggingFaceProtocol.normalizeEtag("W/\"abc\""));
    }

    @Test
    void secondCallOnlyAsksForTheRevisionAndDownloadsNothing() {
        HubClient client = client();
        Path first = client.snapshot(REPO, RepoType.MODEL, "main", null);
        server.clearRequests();
        Path second = client.snapshot(REPO, RepoType.MODEL, "main", null);
        assertEquals(first, second);
        List<HubFixtureServer.Request> requests = server.requests();
        assertEquals(1, requests.size(), requests.toString());
        assertEquals("/api/models/" + REPO + "/revision/main", requests.get(0).target());
    }

    @Test
    void allowPatternsSelectFiles() throws IOException {
        Path snapshot = client().snapshot(REPO, RepoType.MODEL, COMMIT, ModelLocator.DEFAULT_ALLOW_PATTERNS);
        try (var list = Files.list(snapshot)) {
            List<String> names = list.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("model.safetensors") && names.contains("tokenizer.json")
                    && names.contains("tokenizer.model") && names.contains("config.json"), names.toString());
            assertFalse(names.contains("tok512.bin"), names.toString());
        }
        // revision given as a commit: no ref file is written for it
        assertFalse(Files.exists(cache.resolve("models--autoround-test--stories260k/refs/" + COMMIT)));
    }

    @Test
    void noMatchingFileIsAClearError() {
        HubException e = assertThrows(HubException.class,
                () -> client().snapshot(REPO, RepoType.MODEL, null, List.of("*.gguf")));
        assertEquals(HubException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("matches [*.gguf]") && e.getMessage().contains(REPO), e.getMessage());
    }

    @Test
    void offlineModeUsesTheCacheWithoutAServer() {
        Path online = client().snapshot(REPO, RepoType.MODEL, null, null);
        server.close();
        HubSettings offline = HubTestSupport.hfSettings("http://127.0.0.1:9", cache, Map.of("HF_HUB_OFFLINE", "1"));
        assertTrue(offline.offline());
        Path cached = HubTestSupport.quietClient(offline, 1).snapshot(REPO, RepoType.MODEL, null, null);
        assertEquals(online, cached);
        Path byCommit = HubTestSupport.quietClient(offline, 1).snapshot(REPO, RepoType.MODEL, COMMIT, null);
        assertEquals(online, byCommit);
    }

    @Test
    void offlineModeWithAnEmptyCacheNamesTheRepo() {
        HubSettings offline = HubTestSupport.hfSettings(server.endpoint(), cache, Map.of("HF_HUB_OFFLINE", "true"));
        HubException e = assertThrows(HubException.class,
                () -> HubTestSupport.quietClient(offline, 1).snapshot(REPO, RepoType.MODEL, null, null));
        assertEquals(HubException.Kind.NOT_CACHED, e.kind());
        assertTrue(e.getMessage().contains(REPO) && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        assertTrue(server.requests().isEmpty(), "offline mode must not touch the network");
    }

    @Test
    void unreachableHubFallsBackToACachedSnapshotElseNamesTheEndpoint() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + deadPort;
        HubException e = assertThrows(HubException.class, () -> HubTestSupport.quietClient(
                HubTestSupport.hfSettings(dead, cache, Map.of()), 1).snapshot(REPO, RepoType.MODEL, null, null));
        assertEquals(HubException.Kind.NETWORK, e.kind());
        assertTrue(e.getMessage().contains(dead) && e.getMessage().contains("HF_HUB_OFFLINE")
                && e.getMessage().contains("local model folder"), e.getMessage());

        Path online = client().snapshot(REPO, RepoType.MODEL, null, null);
        Path fallback = HubTestSupport.quietClient(HubTestSupport.hfSettings(dead, cache, Map.of()), 1)
                .snapshot(REPO, RepoType.MODEL, null, null);
        assertEquals(online, fallback);
    }

    @Test
    void tokenIsSentAsBearerToTheHubButNotToTheCdn() {
        server.requireToken("hf_fixture_token");
        HubSettings settings = HubTestSupport.hfSettings(server.endpoint(), cache, Map.of("HF_TOKEN", "hf_fixture_token"));
        HubTestSupport.quietClient(settings, 1).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"));
        List<HubFixtureServer.Request> requests = server.requests();
        assertTrue(requests.stream().filter(r -> r.server().equals("hub"))
                .allMatch(r -> "Bearer hf_fixture_token".equals(r.authorization())), requests.toString());
        List<HubFixtureServer.Request> cdn = requests.stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals(1, cdn.size());
        assertNull(cdn.get(0).authorization(), "the token must not leave the hub's host");
    }

    @Test
    void unauthorizedNamesHfToken() {
        server.requireToken("hf_secret");
        HubException e = assertThrows(HubException.class, () -> client().snapshot(REPO, RepoType.MODEL, null, null));
        assertEquals(HubException.Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("401")
                && e.getMessage().contains(REPO), e.getMessage());

        HubSettings wrong = HubTestSupport.hfSettings(server.endpoint(), cache, Map.of("HF_TOKEN", "hf_wrong"));
        HubException refused = assertThrows(HubException.class,
                () -> HubTestSupport.quietClient(wrong, 1).snapshot(REPO, RepoType.MODEL, null, null));
        assertTrue(refused.getMessage().contains("token from HF_TOKEN was refused"), refused.getMessage());
    }

    @Test
    void missingRepoAndRevisionAreNotFound() {
        HubException repo = assertThrows(HubException.class,
                () -> client().snapshot("nobody/nothing", RepoType.MODEL, null, null));
        assertEquals(HubException.Kind.NOT_FOUND, repo.kind());
        assertTrue(repo.getMessage().contains("nobody/nothing") && repo.getMessage().contains("404")
                && repo.getMessage().contains("repo does not exist"), repo.getMessage());

        HubException rev = assertThrows(HubException.class,
                () -> client().snapshot(REPO, RepoType.MODEL, "v9", null));
        assertEquals(HubException.Kind.NOT_FOUND, rev.kind());
        assertTrue(rev.getMessage().contains("revision v9") && rev.getMessage().contains("revision does not exist"),
                rev.getMessage());
    }

    @Test
    void renamedRepoIsFollowedThroughRelativeRedirects() throws IOException {
        server.addAlias(RepoType.MODEL, "old-org/stories-old", REPO);
        Path snapshot = client().snapshot("old-org/stories-old", RepoType.MODEL, null, List.of("config.json"));
        assertArrayEquals(files.get("config.json"), Files.readAllBytes(snapshot.resolve("config.json")));
        assertTrue(snapshot.startsWith(cache.resolve("models--old-org--stories-old")));
    }

    @Test
    void datasetRepoGoesToDatasetsFolder() throws IOException {
        byte[] jsonl = "{\"text\": \"Once upon a time\"}\n{\"text\": \"there was a tiny model\"}\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] parquetLike = new byte[3000];
        for (int i = 0; i < parquetLike.length; i++) {
            parquetLike[i] = (byte) (i * 31 + 7);
        }
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        server.addRepo(RepoType.DATASET, "autoround-test/tiny-text", commit,
                Map.of("data/train.jsonl", jsonl, "data/train-00000-of-00001.parquet", parquetLike, "README.md",
                        "# tiny".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path snapshot = client().snapshot("autoround-test/tiny-text", RepoType.DATASET, null,
                List.of("*.jsonl", "*.parquet"));
        Path repoDir = cache.resolve("datasets--autoround-test--tiny-text");
        assertEquals(repoDir.resolve("snapshots").resolve(commit), snapshot);
        assertEquals(commit, Files.readString(repoDir.resolve("refs/main")));
        assertArrayEquals(jsonl, Files.readAllBytes(snapshot.resolve("data/train.jsonl")));
        assertArrayEquals(parquetLike, Files.readAllBytes(snapshot.resolve("data/train-00000-of-00001.parquet")));
        assertEquals(Path.of("../../../blobs/" + HubFixtureServer.sha256(parquetLike)),
                Files.readSymbolicLink(snapshot.resolve("data/train-00000-of-00001.parquet")));
        assertFalse(Files.exists(snapshot.resolve("README.md")));
        assertTrue(server.requests().stream().anyMatch(
                r -> r.target().equals("/api/datasets/autoround-test/tiny-text/revision/main")));

        Path readme = client().file("autoround-test/tiny-text", RepoType.DATASET, null, "README.md");
        assertEquals(snapshot.resolve("README.md"), readme);
        assertEquals("# tiny", Files.readString(readme));
        HubException missing = assertThrows(HubException.class,
                () -> client().file("autoround-test/tiny-text", RepoType.DATASET, null, "data/test.jsonl"));
        assertEquals(HubException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("is named 'data/test.jsonl'"), missing.getMessage());
    }

    @Test
    void listFilesGivesTheHubListingOnlineAndTheCachedFilesOffline() throws IOException {
        assertEquals(List.copyOf(files.keySet()), client().listFiles(REPO, RepoType.MODEL, null).stream().sorted()
                .toList());
        client().snapshot(REPO, RepoType.MODEL, null, List.of("config.json", "tokenizer.json"));
        server.clearRequests();

        HubSettings offline = HubTestSupport.hfSettings(server.endpoint(), cache, Map.of("HF_HUB_OFFLINE", "1"));
        assertEquals(List.of("config.json", "tokenizer.json"),
                HubTestSupport.quietClient(offline, 1).listFiles(REPO, RepoType.MODEL, null));
        assertTrue(server.requests().isEmpty(), "offline listing made no request");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HubSettings down = HubTestSupport.hfSettings("http://127.0.0.1:" + closedPort, cache, Map.of());
        assertEquals(List.of("config.json", "tokenizer.json"),
                HubTestSupport.quietClient(down, 1).listFiles(REPO, RepoType.MODEL, null),
                "an unreachable hub falls back to the cached snapshot");
        HubException notCached = assertThrows(HubException.class, () -> HubTestSupport.quietClient(offline, 1)
                .listFiles("autoround-test/other", RepoType.MODEL, null));
        assertEquals(HubException.Kind.NOT_CACHED, notCached.kind());
    }
}
