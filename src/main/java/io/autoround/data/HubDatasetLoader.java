package io.autoround.data;

import java.util.List;

/** Loads the text records of a named hub dataset (e.g. {@code NeelNanda/pile-10k}) for the given splits. */
public interface HubDatasetLoader {

    /**
     * @param name dataset name as the user wrote it (registered name, alias or hub id)
     * @param splits splits to read; empty = the dataset's default split(s)
     * @return the records' text
     * @throws HubUnavailableException when the hub cannot be reached or the dataset is not cached
     */
    List<String> load(String name, List<String> splits);

    /** The hub could not provide the dataset; calibration falls back to the embedded corpus and says so. */
    final class HubUnavailableException extends RuntimeException {
        public HubUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
