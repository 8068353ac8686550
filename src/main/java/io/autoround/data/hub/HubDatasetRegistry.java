package io.autoround.data.hub;

import io.autoround.model.hub.HubPlatform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's registered calibration datasets ({@code CALIB_DATASETS} of {@code auto_round/calib_dataset.py}),
 * keyed by every name and alias in the reference's registration order, and its name lookup: an exact key, else the
 * first key containing the name's last path component. Any other {@code org/name} is read as a generic hub dataset
 * with a {@code text} column (the reference rejects it instead).
 */
public final class HubDatasetRegistry {

    /** The reference's default calibration dataset. */
    public static final String DEFAULT_REPO = "NeelNanda/pile-10k";

    /** Data files read per split of a generic dataset at most, so a huge repo is not downloaded whole. */
    public static final int GENERIC_MAX_SHARDS = 4;

    /** Registered names in the reference's order; null marks a name whose data does not come from a hub. */
    private static final Map<String, HubDatasetEntry> ENTRIES = new LinkedHashMap<>();
    private static final String AUDIOCAPS_NOTE = "AudioCaps captions are downloaded by the reference as a CSV file"
            + " from GitHub, not from a dataset hub; convert the captions to a .jsonl file of {\"text\": ...} records"
            + " and pass that";

    static {
        TextExtraction text = TextExtraction.column("text");
        register(HubDatasetEntry.of(DEFAULT_REPO, List.of("train"), text).fixedSplit(),
                "NeelNanda/pile-10k", "pile-10k");
        register(HubDatasetEntry.of("swift/pile-val-backup", List.of("validation"), text).fixedSplit()
                .on(HubPlatform.MODELSCOPE).sampled(10000, 1), "swift/pile-val-backup", "pile-val-backup");
        register(HubDatasetEntry.of("BAAI/CCI3-HQ", List.of("train"), text).fixedSplit().sampled(10000, 1),
                "BAAI/CCI3-HQ", "CCI3-HQ");
        register(HubDatasetEntry.of("codeparrot/github-code-clean", List.of("train"), TextExtraction.column("code"))
                .fixedSplit().sampled(10000, 1), "codeparrot/github-code-clean", "github-code-clean");
        register(HubDatasetEntry.of("HuggingFaceH4/ultrachat_200k", List.of("train_sft"),
                        TextExtraction.messageContents("messages"))
                .allowing("train_sft", "test_sft", "train_gen", "test_gen").sampled(20000, 1),
                "HuggingFaceH4/ultrachat_200k", "ultrachat_200k");
        register(HubDatasetEntry.of("openbmb/Ultra-FineWeb", List.of("en"), TextExtraction.column("content"))
                .allowing("en", "zh").sampled(20000, 1), "openbmb/Ultra-FineWeb");
        register(HubDatasetEntry.of("madao33/new-title-chinese", List.of("train"), TextExtraction.column("content"))
                .fixedSplit(), "madao33/new-title-chinese", "new-title-chinese");
        register(HubDatasetEntry.of("google-research-datasets/mbpp", List.of("train", "validation", "test"),
                TextExtraction.join("", "text", "code")).withConfig("full"), "google-research-datasets/mbpp", "mbpp");
        ENTRIES.put("audiocaps", null);
        ENTRIES.put("AudioCaps", null);
        register(HubDatasetEntry.of("nvidia/OpenCodeInstruct", List.of("train"),
                TextExtraction.join("\n", "input", "output")).fixedSplit().sampled(2100, 4),
                "nvidia/OpenCodeInstruct", "opencode-instruct");
    }

    private HubDatasetRegistry() {}

    private static void register(HubDatasetEntry entry, String... names) {
        for (String n : names) {
            ENTRIES.put(n, entry);
        }
    }

    /** Every registered name and alias, in the reference's order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * The dataset a user's name refers to.
     *
     * @throws IllegalArgumentException for a name that is neither registered, matched, nor an {@code org/name}
     */
    public static HubDatasetEntry resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty dataset name");
        }
        String key = registeredKey(name);
        if (key != null) {
            HubDatasetEntry entry = ENTRIES.get(key);
            if (entry == null) {
                throw new IllegalArgumentException("dataset '" + name + "' is not supported: " + AUDIOCAPS_NOTE);
            }
            return entry;
        }
        String[] parts = name.split("/", -1);
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return HubDatasetEntry.of(name, List.of("train"), TextExtraction.column("text"))
                    .sampled(0, GENERIC_MAX_SHARDS);
        }
        throw new IllegalArgumentException("dataset '" + name + "' is not found: use a hub dataset id 'org/name', a"
                + " local .txt/.json/.jsonl file, or one of " + names().stream().filter(n -> !n.contains("/")).toList());
    }

    /** The registered key a name resolves to by the reference's rule, or null. */
    static String registeredKey(String name) {
        if (ENTRIES.containsKey(name)) {
            return name;
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (last.isEmpty()) {
            return null;
        }
        for (String key : ENTRIES.keySet()) {
            if (key.contains(last)) {
                return key;
            }
        }
        return null;
    }
}
