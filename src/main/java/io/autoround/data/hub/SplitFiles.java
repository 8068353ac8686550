package io.autoround.data.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the data files of one split in a hub dataset's file list by the hub's naming conventions (those of the
 * {@code datasets} library's {@code data_files} resolution), in order of precedence:
 * <ol>
 * <li>sharded files named {@code {split}-00000-of-00003...} ({@code push_to_hub} and the parquet conversion);</li>
 * <li>a folder named {@code {split}} ({@code {config}/{split}/0000.parquet}) or a file {@code {split}.{ext}};</li>
 * <li>the split's keywords (train: train/training; validation: validation/valid/dev/val; test:
 * test/testing/eval/evaluation; any other split: its own name) in a file or folder name, delimited by
 * {@code - . _ space digits} or the name's ends (a sharded file counts only for the split it names);</li>
 * <li>when no file names any split at all, every data file belongs to {@code train}.</li>
 * </ol>
 * When the matches fall under several top-level folders (configs, e.g. mbpp's {@code full/} and {@code sanitized/}),
 * one is chosen: the preferred config, else {@code default}, else {@code data}, else the repo root, else the first
 * by name.
 */
public final class SplitFiles {

    private static final Pattern DATA_FILE = Pattern.compile(
            ".*\\.(parquet|jsonl|json|ndjson|csv)(\\.(gz|zst))?$");
    /** JSON files a dataset repo may hold next to its data that describe it rather than hold rows. */
    private static final java.util.Set<String> METADATA = java.util.Set.of("dataset_infos.json", "dataset_info.json",
            "dataset_dict.json", "state.json", "config.json");
    private static final Pattern SHARD = Pattern.compile("^(.+?)-\\d{5}-of-\\d{5}([-._].*)?$");
    private static final Map<String, List<String>> KEYWORDS = Map.of(
            "train", List.of("train", "training"),
            "validation", List.of("validation", "valid", "dev", "val"),
            "test", List.of("test", "testing", "eval", "evaluation"));

    private SplitFiles() {}

    /** Files that hold data (parquet, json, jsonl, csv, optionally gz/zst-compressed), hidden files excluded. */
    public static List<String> dataFiles(List<String> repoFiles) {
        List<String> out = new ArrayList<>();
        for (String f : repoFiles) {
            String lower = f.toLowerCase(Locale.ROOT);
            boolean hidden = ("/" + lower).contains("/.") || ("/" + lower).contains("/__");
            if (!hidden && DATA_FILE.matcher(lower).matches() && !METADATA.contains(fileName(lower))) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The files of {@code split}, sorted, from one config.
     *
     * @param preferredConfig config folder to use when several hold the split, or null
     * @return empty when no file belongs to the split
     */
    public static List<String> select(List<String> repoFiles, String split, String preferredConfig) {
        List<String> data = dataFiles(repoFiles);
        List<String> found = byShardName(data, split);
        if (found.isEmpty()) {
            found = byExactName(data, split);
        }
        if (found.isEmpty()) {
            found = byKeyword(data, split);
        }
        if (found.isEmpty() && split.equals("train") && splitsNamed(data).isEmpty()) {
            found = data;
        }
        return oneConfig(found, preferredConfig);
    }

    /** Split names the files announce (for error messages), sorted. */
    public static List<String> splitsNamed(List<String> repoFiles) {
        TreeSet<String> names = new TreeSet<>();
        List<String> data = dataFiles(repoFiles);
        for (String f : data) {
            Matcher m = SHARD.matcher(fileName(f));
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        for (String split : KEYWORDS.keySet()) {
            if (!byKeyword(data, split).isEmpty()) {
                names.add(split);
            }
        }
        return List.copyOf(names);
    }

    private static List<String> byShardName(List<String> files, String split) {
        List<String> out = new ArrayList<>();
        for (String f : files) {
            Matcher m = SHARD.matcher(fileName(f));
            if (m.matches() && m.group(1).equals(split)) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<String> byExactName(List<String> files, String split) {
        List<String> out = new ArrayList<>();
        for (String f : files) {
            String[] segments = f.split("/");
            boolean match = fileName(f).startsWith(split + ".");
            for (int i = 0; i < segments.length - 1 && !match; i++) {
                match = segments[i].equals(split);
            }
            if (match) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<String> byKeyword(List<String> files, String split) {
        List<String> keywords = KEYWORDS.getOrDefault(split, List.of(split)).stream()
                .map(k -> k.toLowerCase(Locale.ROOT)).toList();
        List<Pattern> patterns = new ArrayList<>();
        for (String k : keywords) {
            patterns.add(Pattern.compile("(^|.*[-._ 0-9])" + Pattern.quote(k) + "([-._ 0-9].*|$)"));
        }
        List<String> out = new ArrayList<>();
        for (String f : files) {
            String lower = f.toLowerCase(Locale.ROOT);
            Matcher shard = SHARD.matcher(fileName(lower));
            boolean match = false;
            if (shard.matches()) {
                // A sharded file names its split exactly: train_sft-00000-of-00003 is not "train".
                match = keywords.contains(shard.group(1));
            } else {
                for (String segment : lower.split("/")) {
                    for (Pattern p : patterns) {
                        match |= p.matcher(segment).matches();
                    }
                }
            }
            if (match) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<String> oneConfig(List<String> files, String preferred) {
        Map<String, List<String>> byConfig = new TreeMap<>();
        for (String f : files) {
            int slash = f.indexOf('/');
            byConfig.computeIfAbsent(slash < 0 ? "" : f.substring(0, slash), k -> new ArrayList<>()).add(f);
        }
        if (byConfig.size() <= 1) {
            return files.stream().sorted().toList();
        }
        List<String> order = new ArrayList<>();
        Optional.ofNullable(preferred).ifPresent(order::add);
        order.addAll(List.of("default", "data", ""));
        for (String c : order) {
            if (byConfig.containsKey(c)) {
                return byConfig.get(c).stream().sorted().toList();
            }
        }
        return byConfig.values().iterator().next().stream().sorted().toList();
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
