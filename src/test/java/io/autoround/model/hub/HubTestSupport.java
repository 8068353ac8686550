package io.autoround.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Fixture data (the real stories260k-hf files) and client construction shared by the hub tests. */
final class HubTestSupport {

    static final String REPO = "autoround-test/stories260k";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private HubTestSupport() {
    }

    static Path storiesDir() {
        return Path.of(System.getProperty("autoround.shared.dir", "../shared")).resolve("data/models/stories260k-hf");
    }

    /** Every file of the real tiny model, by name. */
    static Map<String, byte[]> storiesFiles() {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(storiesDir())) {
            for (Path p : list.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Hugging Face settings pointing at the fixture server and a temp cache. */
    static HubSettings hfSettings(String endpoint, Path cache, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("HF_ENDPOINT", endpoint);
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("HF_HOME", cache.resolve("no-hf-home").toString());
        return HubSettings.fromEnvironment(env);
    }

    static HubClient quietClient(HubSettings settings, int attempts) {
        return new HubClient(settings, DownloadProgress.quiet(), attempts, Duration.ofSeconds(2));
    }
}
