package io.autoround.data.hub;

import io.autoround.model.hub.HubPlatform;
import java.util.List;

/**
 * What the reference knows about one calibration dataset: where it lives, which split(s) it reads, which column(s)
 * hold the text, and how much of it is read.
 *
 * @param repoId hub dataset repo, e.g. {@code NeelNanda/pile-10k}
 * @param platform hub that hosts it (ModelScope for {@code swift/pile-val-backup})
 * @param defaultSplits splits read when the user names none
 * @param splitFixed true when the reference ignores a user's {@code split=} and always reads the default
 * @param allowedSplits splits the reference accepts (empty = any)
 * @param config preferred config folder when the split exists in several (e.g. mbpp's {@code full}), or null
 * @param text how a row becomes text
 * @param maxRows rows read at most (the reference's {@code take(n)} of streamed datasets); 0 = all
 * @param maxShards data files read per split at most (streamed datasets are huge); 0 = all
 */
public record HubDatasetEntry(String repoId, HubPlatform platform, List<String> defaultSplits, boolean splitFixed,
        List<String> allowedSplits, String config, TextExtraction text, int maxRows, int maxShards) {

    /** Copies the lists. */
    public HubDatasetEntry {
        defaultSplits = List.copyOf(defaultSplits);
        allowedSplits = List.copyOf(allowedSplits);
    }

    /** A Hugging Face dataset reading everything of its default split(s). */
    static HubDatasetEntry of(String repoId, List<String> splits, TextExtraction text) {
        return new HubDatasetEntry(repoId, HubPlatform.HUGGING_FACE, splits, false, List.of(), null, text, 0, 0);
    }

    /** Same entry with the split fixed to the default, as the reference hard-codes it. */
    HubDatasetEntry fixedSplit() {
        return new HubDatasetEntry(repoId, platform, defaultSplits, true, allowedSplits, config, text, maxRows,
                maxShards);
    }

    /** Same entry accepting only the given splits. */
    HubDatasetEntry allowing(String... splits) {
        return new HubDatasetEntry(repoId, platform, defaultSplits, splitFixed, List.of(splits), config, text,
                maxRows, maxShards);
    }

    /** Same entry reading at most {@code rows} rows from at most {@code shards} files per split. */
    HubDatasetEntry sampled(int rows, int shards) {
        return new HubDatasetEntry(repoId, platform, defaultSplits, splitFixed, allowedSplits, config, text, rows,
                shards);
    }

    /** Same entry preferring the given config folder. */
    HubDatasetEntry withConfig(String name) {
        return new HubDatasetEntry(repoId, platform, defaultSplits, splitFixed, allowedSplits, name, text, maxRows,
                maxShards);
    }

    /** Same entry hosted on another platform. */
    HubDatasetEntry on(HubPlatform where) {
        return new HubDatasetEntry(repoId, where, defaultSplits, splitFixed, allowedSplits, config, text, maxRows,
                maxShards);
    }

    /**
     * The splits to read for a request: the default when none is requested or the split is fixed, else the
     * requested ones, each checked against {@link #allowedSplits()}.
     */
    public List<String> splitsFor(List<String> requested) {
        if (requested == null || requested.isEmpty() || splitFixed) {
            return defaultSplits;
        }
        for (String s : requested) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("dataset " + repoId + ": empty split name in " + requested);
            }
            if (!allowedSplits.isEmpty() && !allowedSplits.contains(s)) {
                throw new IllegalArgumentException("dataset " + repoId + ": split '" + s + "' is not one of "
                        + allowedSplits);
            }
        }
        return List.copyOf(requested);
    }
}
