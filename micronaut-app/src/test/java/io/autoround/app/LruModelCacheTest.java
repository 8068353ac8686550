package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autoround.api.DemoAssets;
import io.autoround.app.infer.DequantizingBackend;
import io.autoround.app.infer.LoadedModel;
import io.autoround.app.infer.LruModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The model cache keeps at most its capacity loaded, reuses hits, and closes what it evicts. */
class LruModelCacheTest {
    @Test
    void keepsTheMostRecentModelsAndClosesEvictedOnes() throws Exception {
        ServiceConfig config = new ServiceConfig();
        config.setModelCacheSize(1);
        Path demo = DemoAssets.model();
        Path copy = Files.createDirectories(Path.of("target", "lru-test-" + System.nanoTime()));
        try (var s = Files.list(demo)) {
            for (Path f : s.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        DequantizingBackend backend = new DequantizingBackend();
        try (LruModelCache cache = new LruModelCache(config)) {
            LoadedModel first = cache.withModel(demo, backend, m -> m);
            assertSame(first, cache.withModel(demo, backend, m -> m), "a hit returns the loaded model");
            LoadedModel second = cache.withModel(copy, backend, m -> m);
            assertNotSame(first, second);
            assertEquals(1, cache.loaded());
            // the evicted model's native memory was released
            assertThrows(IllegalStateException.class, () -> first.model().manager().create(new float[] {1f}));
            assertNotSame(first, cache.withModel(demo, backend, m -> m), "an evicted model is loaded again");
        }
    }
}
