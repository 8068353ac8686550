package io.autoround.data.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.hub.HubFixtureServer;
import io.autoround.model.hub.HubSettings;
import io.autoround.model.hub.RepoType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script-only dataset repos are read from the hub's auto-converted {@code refs/convert/parquet} branch. */
class ParquetBranchTest {

    private static final String REPO = "autoround-test/scripted-verses";
    private static final String MAIN = "3333333333333333333333333333333333333333";
    private static final String CONVERTED = "4444444444444444444444444444444444444444";

    @TempDir
    Path tmp;

    private HubFixtureServer server;
    private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        server.addRepo(RepoType.DATASET, REPO, MAIN, Map.of(
                "scripted-verses.py", "# a loading script\n".getBytes(StandardCharsets.UTF_8),
                "raw/verses.tar.gz", new byte[] {31, -117, 8, 0},
                "README.md", "# verses\n".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubDatasets datasets(HubSettings hf) {
        return DatasetFixtures.datasets(hf, DatasetFixtures.modelScopeSettings(server.endpoint(), tmp), quiet);
    }

    @Test
    void rowsComeFromTheConvertedSplitAndStayUsableOffline() {
        List<String> train = DatasetFixtures.bibleVerses(200, 8, 100);
        List<String> test = DatasetFixtures.bibleVerses(300, 4, 100);
        server.addRevision(RepoType.DATASET, REPO, HubDatasets.PARQUET_REVISION, CONVERTED, Map.of(
                "default/train/0000.parquet", DatasetFixtures.textParquet(tmp, train),
                "default/test/0000.parquet", DatasetFixtures.textParquet(tmp, test)));
        Path cache = tmp.resolve("cache");
        HubSettings hf = DatasetFixtures.hfSettings(server.endpoint(), cache);

        try (HubDatasets online = datasets(hf)) {
            assertEquals(train, online.load(REPO, List.of()));
        }
        Path repoDir = cache.resolve("datasets--autoround-test--scripted-verses");
        assertEquals(CONVERTED, read(repoDir.resolve("refs/refs/convert/parquet")));
        assertTrue(Files.isRegularFile(repoDir.resolve("snapshots/" + CONVERTED + "/default/train/0000.parquet")));
        assertTrue(server.requests().stream().noneMatch(r -> r.target().contains("/resolve/" + MAIN)),
                "nothing is downloaded from the script branch");

        server.clearRequests();
        try (HubDatasets offline = datasets(hf.withOffline(true))) {
            assertEquals(train, offline.load(REPO, List.of("train")));
        }
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void scriptOnlyRepoWithoutConvertedBranchIsAClearError() {
        try (HubDatasets online = datasets(DatasetFixtures.hfSettings(server.endpoint(), tmp.resolve("c")))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> online.load(REPO, List.of()));
            assertTrue(e.getMessage().contains(REPO) && e.getMessage().contains("scripted-verses.py")
                    && e.getMessage().contains("refs/convert/parquet"), e.getMessage());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
