package io.autoround.app.infer;

import io.autoround.app.ServiceConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A small least-recently-used cache of loaded models ({@code autoround.model-cache-size} entries). Each entry has
 * a lock: requests on the same model run one at a time (a model's KV caches and native buffers are not shared
 * safely), and an evicted model is closed only once its current user is done.
 */
@Singleton
public class LruModelCache implements ModelCache, AutoCloseable {
    private final int capacity;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    public LruModelCache(ServiceConfig config) {
        this.capacity = Math.max(1, config.getModelCacheSize());
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        LoadedModel model;
        boolean evicted;
    }

    @Override
    public <T> T withModel(Path dir, InferenceBackend backend, Function<LoadedModel, T> work) {
        while (true) {
            Entry e;
            List<Entry> evicted = new ArrayList<>();
            synchronized (entries) {
                e = entries.computeIfAbsent(backend.name() + "|" + dir.toAbsolutePath().normalize(), k -> new Entry());
                Iterator<Entry> it = entries.values().iterator();
                while (entries.size() > capacity && it.hasNext()) {
                    Entry old = it.next();
                    if (old != e) {
                        it.remove();
                        evicted.add(old);
                    }
                }
            }
            evicted.forEach(LruModelCache::dispose);
            e.lock.lock();
            try {
                if (e.evicted) {
                    continue; // evicted between lookup and lock: look it up again
                }
                if (e.model == null) {
                    e.model = backend.load(dir);
                }
                return work.apply(e.model);
            } finally {
                e.lock.unlock();
            }
        }
    }

    /** Number of models currently loaded. */
    public int loaded() {
        synchronized (entries) {
            return (int) entries.values().stream().filter(e -> e.model != null).count();
        }
    }

    private static void dispose(Entry e) {
        e.lock.lock();
        try {
            e.evicted = true;
            if (e.model != null) {
                e.model.close();
                e.model = null;
            }
        } finally {
            e.lock.unlock();
        }
    }

    @PreDestroy
    @Override
    public void close() {
        List<Entry> all;
        synchronized (entries) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(LruModelCache::dispose);
    }
}
