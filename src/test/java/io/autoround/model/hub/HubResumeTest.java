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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interrupted downloads resume with a Range request; corrupt downloads are rejected and deleted. */
class HubResumeTest {

    private static final long CUT = 300_000;

    @TempDir
    Path cache;

    private HubFixtureServer server;
    private byte[] weights;
    private Path blobs;
    private String sha;

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        Map<String, byte[]> files = HubTestSupport.storiesFiles();
        weights = files.get("model.safetensors");
        sha = HubFixtureServer.sha256(weights);
        server.addRepo(RepoType.MODEL, REPO, COMMIT, files);
        blobs = cache.resolve("models--autoround-test--stories260k/blobs");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubClient client(int attempts) {
        return HubTestSupport.quietClient(HubTestSupport.hfSettings(server.endpoint(), cache, Map.of()), attempts);
    }

    @Test
    void interruptedDownloadFailsKeepsThePartialFileAndTheNextCallResumes() throws IOException {
        server.cutDownloads(weights, CUT, 1);
        HubException e = assertThrows(HubException.class,
                () -> client(1).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors")));
        assertEquals(HubException.Kind.NETWORK, e.kind());
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("resumes"),
                e.getMessage());
        Path incomplete = blobs.resolve(sha + ".incomplete");
        long partial = Files.size(incomplete);
        // The bytes received before the cut are kept (TCP may lose the last few in flight).
        assertTrue(partial > 0 && partial <= CUT, "partial size " + partial);
        assertArrayEquals(java.util.Arrays.copyOf(weights, (int) partial), Files.readAllBytes(incomplete));
        assertFalse(Files.exists(blobs.resolve(sha)));
        assertFalse(Files.exists(cache.resolve("models--autoround-test--stories260k/refs/main")),
                "a failed snapshot must not be recorded as complete");

        server.clearRequests();
        Path snapshot = client(1).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"));
        List<HubFixtureServer.Request> cdn = server.requests().stream().filter(r -> r.server().equals("cdn")).toList();
        assertEquals(1, cdn.size(), cdn.toString());
        assertEquals("bytes=" + partial + "-", cdn.get(0).range());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertFalse(Files.exists(incomplete));
        assertEquals(COMMIT, Files.readString(cache.resolve("models--autoround-test--stories260k/refs/main")));
    }

    @Test
    void retriesWithinOneCallResumeFromThePartialFile() throws IOException {
        server.cutDownloads(weights, CUT, 2);
        Path snapshot = client(3).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"));
        List<String> ranges = server.requests().stream().filter(r -> r.server().equals("cdn"))
                .map(HubFixtureServer.Request::range).toList();
        // first try from 0 is cut at CUT; the retry asks for CUT- and is cut again at once; the third completes
        assertEquals(3, ranges.size(), ranges.toString());
        assertNull(ranges.get(0));
        long firstResume = rangeStart(ranges.get(1));
        assertTrue(firstResume > 0 && firstResume <= CUT, ranges.toString());
        assertEquals(firstResume, rangeStart(ranges.get(2)), "nothing arrives on the cut retry: " + ranges);
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void consoleProgressShowsFileBytesPercentagesAndTheResume() {
        server.cutDownloads(weights, CUT, 1);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        HubClient client = new HubClient(HubTestSupport.hfSettings(server.endpoint(), cache, Map.of()),
                DownloadProgress.console(new java.io.PrintStream(sink, true, java.nio.charset.StandardCharsets.UTF_8)),
                2, java.time.Duration.ofSeconds(2));
        client.snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"));
        String out = sink.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("Downloading model.safetensors: 1020.5 KiB\n"), out);
        assertTrue(java.util.regex.Pattern.compile("  model\\.safetensors: (2[0-9]{2})\\.[0-9] KiB / 1020\\.5 KiB \\(20%\\)\n")
                .matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("interrupted at [0-9]+ bytes; retrying \\(attempt 2 of 2\\)")
                .matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("Downloading model.safetensors: 1020\\.5 KiB \\(resuming at [0-9.]+ KiB\\)")
                .matcher(out).find(), out);
        assertTrue(out.contains("model.safetensors: 1020.5 KiB (100%) done"), out);
    }

    @Test
    void concurrentSnapshotsOfTheSameRepoShareOneDownload() throws Exception {
        HubClient client = client(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Path>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> client.snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"))));
            }
            for (java.util.concurrent.Future<Path> r : results) {
                assertArrayEquals(weights, Files.readAllBytes(r.get().resolve("model.safetensors")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.requests().stream().filter(r -> r.server().equals("cdn")).count(),
                "the blob lock must let only one thread download");
    }

    private static long rangeStart(String range) {
        assertTrue(range != null && range.startsWith("bytes=") && range.endsWith("-"), String.valueOf(range));
        return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    }

    @Test
    void sha256MismatchIsRejectedAndLeavesNoBlob() throws IOException {
        server.corrupt(weights);
        HubException e = assertThrows(HubException.class,
                () -> client(3).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors", "config.json")));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("sha256 mismatch") && e.getMessage().contains(sha)
                && e.getMessage().contains("model.safetensors"), e.getMessage());
        try (var list = Files.list(blobs)) {
            List<String> names = list.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith(sha)), "no corrupt blob may stay: " + names);
        }
        assertFalse(Files.exists(cache.resolve("models--autoround-test--stories260k/snapshots/" + COMMIT
                + "/model.safetensors")));
    }

    @Test
    void partialFileLongerThanTheBlobIsDiscarded() throws IOException {
        Files.createDirectories(blobs);
        byte[] garbage = new byte[weights.length + 10];
        Files.write(blobs.resolve(sha + ".incomplete"), garbage);
        Path snapshot = client(1).snapshot(REPO, RepoType.MODEL, null, List.of("*.safetensors"));
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertNull(server.requests().stream().filter(r -> r.server().equals("cdn")).findFirst().orElseThrow().range());
    }
}
