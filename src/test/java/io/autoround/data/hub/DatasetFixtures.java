package io.autoround.data.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autoround.model.hub.DownloadProgress;
import io.autoround.model.hub.HubClient;
import io.autoround.model.hub.HubSettings;
import io.autoround.testutil.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real-text dataset files (parquet written by DuckDB, JSON lines) and hub clients for the dataset tests. */
final class DatasetFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetFixtures() {}

    /** The first {@code n} speeches of tinyshakespeare that are at least {@code minChars} long. */
    static List<String> shakespeareSpeeches(int n, int minChars) {
        String all = read(SharedData.text("tinyshakespeare.txt"));
        List<String> out = new ArrayList<>();
        for (String speech : all.split("\n\n")) {
            if (speech.length() >= minChars) {
                out.add(speech);
                if (out.size() == n) {
                    break;
                }
            }
        }
        return out;
    }

    /** {@code n} KJV verses of at least {@code minChars} characters, starting after the first {@code skip}. */
    static List<String> bibleVerses(int skip, int n, int minChars) {
        List<String> out = new ArrayList<>();
        int seen = 0;
        for (String line : read(SharedData.text("kjv_bible.txt")).split("\n")) {
            if (line.length() >= minChars && seen++ >= skip) {
                out.add(line);
                if (out.size() == n) {
                    break;
                }
            }
        }
        return out;
    }

    /** JSON lines, one object per row, each with the given column holding the row's value. */
    static byte[] jsonl(String column, List<String> rows) {
        StringBuilder sb = new StringBuilder();
        for (String r : rows) {
            try {
                sb.append(JSON.writeValueAsString(Map.of(column, r))).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parquet bytes written by DuckDB: {@code selectFromRows} selects from {@code read_json_auto} of the rows. */
    static byte[] parquet(Path dir, byte[] jsonlRows, String select) {
        try {
            Path src = Files.createTempFile(dir, "rows", ".jsonl");
            Files.write(src, jsonlRows);
            Path out = dir.resolve("out-" + System.nanoTime() + ".parquet");
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
                st.execute("COPY (SELECT " + select + " FROM read_json_auto('" + src + "')) TO '" + out
                        + "' (FORMAT PARQUET)");
            }
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            Files.delete(src);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parquet with one {@code text} column holding the rows, in order. */
    static byte[] textParquet(Path dir, List<String> rows) {
        return parquet(dir, jsonl("text", rows), "text");
    }

    /** Hugging Face settings for the fixture hub and a test cache. */
    static HubSettings hfSettings(String endpoint, Path cache) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", endpoint);
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("HF_HOME", cache.resolve("no-hf-home").toString());
        return HubSettings.fromEnvironment(env);
    }

    /** ModelScope settings for the fixture hub and a test cache. */
    static HubSettings modelScopeSettings(String endpoint, Path cache) {
        return HubSettings.fromEnvironment(Map.of("AR_USE_MODELSCOPE", "1", "MODELSCOPE_ENDPOINT", endpoint,
                "MODELSCOPE_CACHE", cache.resolve("modelscope").toString()));
    }

    /** A loader whose clients print nothing and give up quickly. */
    static HubDatasets datasets(HubSettings hf, HubSettings ms, java.io.PrintStream log) {
        return new HubDatasets(client(hf), client(ms), log);
    }

    static HubClient client(HubSettings s) {
        return new HubClient(s, DownloadProgress.quiet(), 1, Duration.ofSeconds(2));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
