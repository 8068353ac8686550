package io.autoround.api;

import io.autoround.data.HubDatasetLoader;
import io.autoround.data.hub.HubDatasets;
import java.io.PrintStream;
import java.util.List;

/** The hub dataset loader used by default: the real hub client with the usual environment settings. */
final class HubDatasetLoaders {
    private HubDatasetLoaders() {}

    /** Opens the hub client lazily, only when a run actually names a hub dataset. */
    static HubDatasetLoader system(PrintStream log) {
        return new HubDatasetLoader() {
            @Override
            public List<String> load(String name, List<String> splits) {
                try (HubDatasets hub = HubDatasets.fromSystem(log)) {
                    return hub.load(name, splits);
                }
            }
        };
    }
}
