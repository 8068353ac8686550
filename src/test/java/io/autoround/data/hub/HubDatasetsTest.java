package io.autoround.data.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.autoround.data.CalibrationBuilder;
import io.autoround.data.CalibrationSet;
import io.autoround.data.HubDatasetLoader;
import io.autoround.data.TextCorpus;
import io.autoround.data.TokenEncoder;
import io.autoround.model.hub.HubFixtureServer;
import io.autoround.model.hub.HubSettings;
import io.autoround.model.hub.RepoType;
import io.autoround.testutil.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub calibration datasets end to end: a real local HTTP hub serves dataset repos in the hub layout (parquet
 * written by DuckDB and JSON lines, from real public-domain text), the loader downloads only the requested splits
 * into a hub cache, and {@link CalibrationBuilder} turns them into samples with the real stories260K tokenizer.
 */
class HubDatasetsTest {

    private static final String COMMIT = "1111111111111111111111111111111111111111";
    private static final String PILE_FILE = "data/train-00000-of-00001-4746b8785c874cc7.parquet";
    private static final String VERSES = "autoround-test/kjv-verses";

    private static HuggingFaceTokenizer tokenizer;
    private static TokenEncoder encoder;

    @TempDir
    Path tmp;

    private HubFixtureServer server;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final List<HubDatasets> opened = new ArrayList<>();

    @BeforeAll
    static void loadTokenizer() throws IOException {
        tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(SharedData.model("stories260k-hf"))
                .optAddSpecialTokens(true).optTruncation(false).build();
        encoder = new TokenEncoder() {
            @Override
            public int[] encode(String text) {
                return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
            }

            @Override
            public int bosId() {
                return 1;
            }

            @Override
            public int eosId() {
                return 2;
            }
        };
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
    }

    @AfterEach
    void stop() {
        opened.forEach(HubDatasets::close);
        server.close();
    }

    private HubDatasets datasets(HubSettings hf) {
        HubDatasets d = DatasetFixtures.datasets(hf, DatasetFixtures.modelScopeSettings(hf.endpoint(), tmp), log);
        opened.add(d);
        return d;
    }

    private HubDatasets online() {
        return datasets(DatasetFixtures.hfSettings(server.endpoint(), tmp.resolve("cache")));
    }

    private List<String> addPile() {
        List<String> rows = DatasetFixtures.shakespeareSpeeches(40, 200);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(".gitattributes", "*.parquet filter=lfs diff=lfs merge=lfs -text\n".getBytes(StandardCharsets.UTF_8));
        files.put("README.md", "---\nlicense: mit\n---\n# pile-10k fixture\n".getBytes(StandardCharsets.UTF_8));
        files.put(PILE_FILE, DatasetFixtures.textParquet(tmp, rows));
        server.addRepo(RepoType.DATASET, "NeelNanda/pile-10k", COMMIT, files);
        return rows;
    }

    /** train / validation / test JSON-lines splits of distinct KJV verses. */
    private Map<String, List<String>> addVerses() {
        Map<String, List<String>> splits = new LinkedHashMap<>();
        splits.put("train", DatasetFixtures.bibleVerses(0, 30, 120));
        splits.put("validation", DatasetFixtures.bibleVerses(30, 10, 120));
        splits.put("test", DatasetFixtures.bibleVerses(40, 10, 120));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", "# verses\n".getBytes(StandardCharsets.UTF_8));
        splits.forEach((split, rows) -> files.put(split + ".jsonl", DatasetFixtures.jsonl("text", rows)));
        server.addRepo(RepoType.DATASET, VERSES, COMMIT, files);
        return splits;
    }

    /** First seqlen token ids of every record long enough to give a sample. */
    private static Set<List<Integer>> samplePrefixes(List<String> records, int seqlen) {
        Set<List<Integer>> out = new HashSet<>();
        for (String r : records) {
            int[] ids = encoder.encode(r);
            if (ids.length >= seqlen) {
                out.add(Arrays.stream(ids, 0, seqlen).boxed().toList());
            }
        }
        return out;
    }

    private static List<Integer> boxed(int[] sample) {
        return Arrays.stream(sample).boxed().toList();
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> resolvedPaths() {
        return server.requests().stream().filter(r -> r.target().contains("/resolve/"))
                .map(HubFixtureServer.Request::target).toList();
    }

    @Test
    void defaultPileDatasetGivesSamplesFromTheParquetRows() {
        List<String> rows = addPile();
        CalibrationSet set = new CalibrationBuilder(encoder, online(), log).build(null, 16, 32, 42);

        assertEquals(16, set.size());
        Set<List<Integer>> expected = samplePrefixes(rows, 32);
        Set<List<Integer>> seen = new HashSet<>();
        for (int[] s : set.samples()) {
            assertEquals(1, s[0], "BOS first");
            assertTrue(expected.contains(boxed(s)), "each sample is the start of a pile row: "
                    + tokenizer.decode(Arrays.stream(s).asLongStream().toArray()));
            seen.add(boxed(s));
        }
        assertEquals(16, seen.size(), "16 distinct rows were sampled");
        assertFalse(logText().contains("warning"), logText());
        // Only the split's parquet file was downloaded; README and .gitattributes were not.
        assertTrue(resolvedPaths().stream().allMatch(t -> t.endsWith(PILE_FILE)), resolvedPaths().toString());
        assertEquals(1, resolvedPaths().size());
        assertTrue(Files.isRegularFile(tmp.resolve("cache/datasets--NeelNanda--pile-10k/snapshots/" + COMMIT + "/"
                + PILE_FILE)));
    }

    @Test
    void aliasesAndReferenceNameMatchingReadTheSameRows() {
        List<String> rows = addPile();
        HubDatasets d = online();
        assertEquals(rows, d.load("pile-10k", List.of()));
        assertEquals(rows, d.load("someone/pile-10k", List.of()), "last path component contained in a key");
        // The reference always reads pile-10k's train split, whatever split is asked.
        assertEquals(rows, d.load("NeelNanda/pile-10k", List.of("validation")));
        assertTrue(logText().contains("always reads split [train]"), logText());
    }

    @Test
    void splitListReadsOnlyThoseSplitFilesInOrder() {
        Map<String, List<String>> splits = addVerses();
        List<String> expected = new ArrayList<>(splits.get("train"));
        expected.addAll(splits.get("validation"));

        assertEquals(expected, online().load(VERSES, List.of("train", "validation")));
        List<String> fetched = resolvedPaths();
        assertTrue(fetched.stream().anyMatch(t -> t.endsWith("/train.jsonl")), fetched.toString());
        assertTrue(fetched.stream().anyMatch(t -> t.endsWith("/validation.jsonl")), fetched.toString());
        assertTrue(fetched.stream().noneMatch(t -> t.endsWith("/test.jsonl") || t.endsWith("README.md")),
                fetched.toString());
        assertEquals(splits.get("train"), online().load(VERSES, List.of()), "generic datasets default to train");
    }

    @Test
    void specSyntaxMixesHubSplitsWithNumAndALocalJsonl() throws IOException {
        Map<String, List<String>> splits = addVerses();
        List<String> speeches = DatasetFixtures.shakespeareSpeeches(30, 200);
        Path local = tmp.resolve("speeches.jsonl");
        Files.write(local, DatasetFixtures.jsonl("text", speeches));
        List<String> hubRows = new ArrayList<>(splits.get("train"));
        hubRows.addAll(splits.get("validation"));

        CalibrationSet set = new CalibrationBuilder(encoder, online(), log)
                .build(local + "," + VERSES + ":split=train+validation:num=5", 12, 24, 7);

        Set<List<Integer>> fromHub = samplePrefixes(hubRows, 24);
        Set<List<Integer>> fromTest = samplePrefixes(splits.get("test"), 24);
        Set<List<Integer>> fromLocal = samplePrefixes(speeches, 24);
        int hub = 0;
        int localCount = 0;
        for (int[] s : set.samples()) {
            assertFalse(fromTest.contains(boxed(s)), "the test split was not requested");
            hub += fromHub.contains(boxed(s)) ? 1 : 0;
            localCount += fromLocal.contains(boxed(s)) ? 1 : 0;
        }
        assertEquals(12, set.size());
        assertEquals(5, hub, "num=5 takes exactly 5 samples from the hub dataset");
        assertEquals(7, localCount, "the local file fills the rest");
    }

    @Test
    void offlineWithoutCacheFallsBackToTheEmbeddedCorpusLoudly() {
        addPile();
        HubDatasets offline = datasets(DatasetFixtures.hfSettings(server.endpoint(), tmp.resolve("empty"))
                .withOffline(true));
        CalibrationSet set = new CalibrationBuilder(encoder, offline, log).build(null, 4, 32, 42);

        assertTrue(logText().contains("warning: dataset 'NeelNanda/pile-10k' is unavailable"), logText());
        assertTrue(logText().contains("HF_HUB_OFFLINE"), logText());
        assertTrue(logText().contains("embedded public-domain corpus"), logText());
        assertEquals(4, set.size());
        int[] corpus = encoder.encode(TextCorpus.embedded());
        for (int[] s : set.samples()) {
            assertTrue(containsSlice(corpus, s), "fallback samples are windows of the embedded corpus");
        }
        assertTrue(server.requests().isEmpty(), "offline mode made no request");
    }

    @Test
    void unreachableHubFallsBackEvenForANamedDataset() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HubDatasets down = datasets(DatasetFixtures.hfSettings("http://127.0.0.1:" + closedPort, tmp.resolve("c")));
        HubDatasetLoader.HubUnavailableException e = assertThrows(HubDatasetLoader.HubUnavailableException.class,
                () -> down.load(VERSES, List.of()));
        assertTrue(e.getMessage().contains(VERSES), e.getMessage());
        CalibrationSet set = new CalibrationBuilder(encoder, down, log).build(VERSES, 2, 32, 1);
        assertEquals(2, set.size());
        assertTrue(logText().contains("warning: dataset '" + VERSES + "' is unavailable"), logText());
    }

    @Test
    void missingOrGatedNamedDatasetIsAClearErrorButTheDefaultFallsBack() {
        HubDatasets d = online();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new CalibrationBuilder(encoder, d, log).build("autoround-test/no-such-data", 4, 32, 42));
        assertTrue(missing.getMessage().contains("'autoround-test/no-such-data'"), missing.getMessage());
        assertTrue(missing.getMessage().contains("check the dataset id"), missing.getMessage());
        // The default dataset missing from this hub is not the user's mistake: fall back.
        assertThrows(HubDatasetLoader.HubUnavailableException.class, () -> d.load("NeelNanda/pile-10k", List.of()));

        addVerses();
        server.requireToken("secret");
        IllegalArgumentException gated = assertThrows(IllegalArgumentException.class, () -> d.load(VERSES, List.of()));
        assertTrue(gated.getMessage().contains(VERSES) && gated.getMessage().contains("HF_TOKEN"),
                gated.getMessage());
    }

    @Test
    void unknownSplitNamesTheSplitsFound() {
        addVerses();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> online().load(VERSES, List.of("dev2")));
        assertTrue(e.getMessage().contains("split 'dev2'") && e.getMessage().contains("[test, train, validation]"),
                e.getMessage());
    }

    @Test
    void cachedDatasetLoadsOfflineWithoutTheHub() {
        Map<String, List<String>> splits = addVerses();
        Path cache = tmp.resolve("cache");
        assertEquals(splits.get("validation"), online().load(VERSES, List.of("validation")));
        server.clearRequests();

        HubDatasets offline = datasets(DatasetFixtures.hfSettings(server.endpoint(), cache).withOffline(true));
        assertEquals(splits.get("validation"), offline.load(VERSES, List.of("validation")));
        // A split that was never downloaded is "not cached", so calibration falls back rather than failing.
        assertThrows(HubDatasetLoader.HubUnavailableException.class, () -> offline.load(VERSES, List.of("test")));
        assertTrue(server.requests().isEmpty(), "offline loads made no request");
    }

    private static boolean containsSlice(int[] all, int[] w) {
        for (int off = 0; off + w.length <= all.length; off++) {
            if (Arrays.equals(all, off, off + w.length, w, 0, w.length)) {
                return true;
            }
        }
        return false;
    }
}
