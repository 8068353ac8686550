package io.autoround.data.hub;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Reads the text of dataset rows from parquet, JSON / JSON-lines (optionally gz- or zst-compressed) and CSV files
 * with an in-process DuckDB. Extension auto-install is switched off: parquet and json are built into the DuckDB jar,
 * and calibration must never reach the network from here.
 */
final class DatasetFileReader {

    private DatasetFileReader() {}

    /**
     * The text of the rows of {@code files}, in file order, skipping rows with a missing value.
     *
     * @param maxRows stop after this many texts; 0 = read everything
     * @param what dataset name for error messages
     */
    static List<String> read(List<Path> files, TextExtraction text, int maxRows, String what) {
        List<String> out = new ArrayList<>();
        Properties props = new Properties();
        props.setProperty("autoinstall_known_extensions", "false");
        props.setProperty("autoload_known_extensions", "false");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:", props)) {
            for (Path file : files) {
                if (maxRows > 0 && out.size() >= maxRows) {
                    break;
                }
                readFile(db, file, text, maxRows > 0 ? maxRows - out.size() : 0, what, out);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the DuckDB engine that reads dataset " + what + ": "
                    + e.getMessage(), e);
        }
        return out;
    }

    private static void readFile(Connection db, Path file, TextExtraction text, int limit, String what,
            List<String> out) {
        String where = "dataset " + what + " file " + file.getFileName();
        String sql = "SELECT " + text.selectList() + " FROM " + scanFunction(file) + "(?)"
                + (limit > 0 ? " LIMIT " + limit : "");
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, file.toAbsolutePath().toString());
            try (ResultSet rows = st.executeQuery()) {
                int n = text.columns().size();
                String[] values = new String[n];
                while (rows.next()) {
                    for (int i = 0; i < n; i++) {
                        values[i] = rows.getString(i + 1);
                    }
                    String t = text.combine(values, where);
                    if (t != null) {
                        out.add(t);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot read column(s) " + text.columns() + " of " + where + " ("
                    + file + "): " + e.getMessage(), e);
        }
    }

    /** DuckDB table function for the file's format, by extension (compression is detected by DuckDB). */
    static String scanFunction(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("\\.(gz|zst)$", "");
        if (name.endsWith(".parquet")) {
            return "read_parquet";
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return "read_json_auto";
        }
        if (name.endsWith(".csv")) {
            return "read_csv_auto";
        }
        throw new IllegalArgumentException("dataset file " + file + " has an unsupported format (expected parquet,"
                + " json, jsonl or csv)");
    }
}
