package io.autoround.data.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.hub.HubFixtureServer;
import io.autoround.model.hub.HubSettings;
import io.autoround.model.hub.RepoType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registered datasets whose rows are not a plain {@code text} column, served in their hub layouts: ultrachat's
 * chat messages, mbpp's text + code in the {@code full} config, and ModelScope's pile-val-backup.
 */
class RegisteredDatasetsTest {

    private static final String COMMIT = "2222222222222222222222222222222222222222";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private HubFixtureServer server;
    private HubDatasets datasets;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = new HubFixtureServer();
        HubSettings hf = DatasetFixtures.hfSettings(server.endpoint(), tmp.resolve("hf"));
        datasets = DatasetFixtures.datasets(hf, DatasetFixtures.modelScopeSettings(server.endpoint(), tmp),
                new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        datasets.close();
        server.close();
    }

    private List<String> resolved() {
        return server.requests().stream().map(HubFixtureServer.Request::target)
                .filter(t -> t.contains("/resolve/") || t.contains("FilePath=")).toList();
    }

    /** Chat rows: a user line followed by the assistant's reply, both real Shakespeare speeches. */
    private byte[] chatParquet(List<String> speeches) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i + 1 < speeches.size(); i += 2) {
            List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", speeches.get(i)),
                    Map.of("role", "assistant", "content", speeches.get(i + 1)));
            jsonl.append(JSON.writeValueAsString(Map.of("prompt", speeches.get(i), "messages", messages)))
                    .append('\n');
        }
        return DatasetFixtures.parquet(tmp, jsonl.toString().getBytes(StandardCharsets.UTF_8), "prompt, messages");
    }

    @Test
    void ultrachatJoinsMessageContentsOfTheTrainSftSplit() throws IOException {
        List<String> speeches = DatasetFixtures.shakespeareSpeeches(24, 80);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("data/train_sft-00000-of-00001-a3ecf92756993583.parquet", chatParquet(speeches.subList(0, 12)));
        files.put("data/test_sft-00000-of-00001-f7dfac4afe5b93f4.parquet", chatParquet(speeches.subList(12, 18)));
        files.put("data/train_gen-00000-of-00001-3d4cd8309148a71f.parquet", chatParquet(speeches.subList(18, 24)));
        server.addRepo(RepoType.DATASET, "HuggingFaceH4/ultrachat_200k", COMMIT, files);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i += 2) {
            expected.add(speeches.get(i) + speeches.get(i + 1));
        }
        assertEquals(expected, datasets.load("ultrachat_200k", List.of()));
        assertEquals(List.of("/datasets/HuggingFaceH4/ultrachat_200k/resolve/" + COMMIT
                + "/data/train_sft-00000-of-00001-a3ecf92756993583.parquet"), resolved());

        List<String> gen = List.of(speeches.get(18) + speeches.get(19), speeches.get(20) + speeches.get(21),
                speeches.get(22) + speeches.get(23));
        assertEquals(gen, datasets.load("HuggingFaceH4/ultrachat_200k", List.of("train_gen")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> datasets.load("ultrachat_200k", List.of("train")));
        assertTrue(e.getMessage().contains("[train_sft, test_sft, train_gen, test_gen]"), e.getMessage());
    }

    @Test
    void mbppReadsTextPlusCodeOfAllThreeSplitsOfTheFullConfig() throws IOException {
        List<String> verses = DatasetFixtures.bibleVerses(100, 12, 60);
        Map<String, byte[]> files = new LinkedHashMap<>();
        String[] splits = {"train", "validation", "test", "prompt"};
        List<String> expected = new ArrayList<>();
        for (int s = 0; s < splits.length; s++) {
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                String text = verses.get(s * 3 + i);
                String code = "def verse_" + s + "_" + i + "():\n    return " + JSON.writeValueAsString(text) + "\n";
                rows.append(JSON.writeValueAsString(Map.of("task_id", s * 3 + i, "text", text, "code", code)))
                        .append('\n');
                if (s < 3) {
                    expected.add(text + code);
                }
            }
            byte[] jsonl = rows.toString().getBytes(StandardCharsets.UTF_8);
            files.put("full/" + splits[s] + "-00000-of-00001.parquet", DatasetFixtures.parquet(tmp, jsonl,
                    "task_id, text, code"));
            // The sanitized config names its prompt column differently; it must not be read.
            files.put("sanitized/" + splits[s] + "-00000-of-00001.parquet", DatasetFixtures.parquet(tmp, jsonl,
                    "task_id, text AS prompt, code"));
        }
        server.addRepo(RepoType.DATASET, "google-research-datasets/mbpp", COMMIT, files);

        assertEquals(expected, datasets.load("mbpp", List.of()));
        assertEquals(3, resolved().size());
        assertTrue(resolved().stream().allMatch(t -> t.contains("/full/")), resolved().toString());
        assertEquals(expected.subList(3, 6), datasets.load("google-research-datasets/mbpp", List.of("validation")));
    }

    @Test
    void pileValBackupComesFromModelScopeAsCompressedJsonLines() throws IOException {
        List<String> speeches = DatasetFixtures.shakespeareSpeeches(15, 150);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(DatasetFixtures.jsonl("text", speeches));
        }
        server.addRepo(RepoType.DATASET, "swift/pile-val-backup", "ms-pile-val-1",
                Map.of("val.jsonl.gz", gz.toByteArray(), "README.md", "pile val".getBytes(StandardCharsets.UTF_8)));

        assertEquals(speeches, datasets.load("pile-val-backup", List.of()));
        assertTrue(server.requests().stream().allMatch(r -> r.target().startsWith("/api/v1/datasets/swift/")),
                "served through the ModelScope API: " + server.requests());
        assertEquals(1, resolved().size());
        assertTrue(resolved().get(0).contains("FilePath=val.jsonl.gz"), resolved().toString());
    }
}
