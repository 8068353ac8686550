package io.autoround.app.infer;

import io.autoround.app.web.ApiException;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Picks the backend for a checkpoint: the one named in the request, or ("auto") the best that supports it. */
@Singleton
public class BackendSelector {
    private final List<InferenceBackend> backends;

    public BackendSelector(List<InferenceBackend> backends) {
        this.backends = List.copyOf(backends);
    }

    public List<String> names() {
        return backends.stream().map(InferenceBackend::name).sorted().toList();
    }

    public InferenceBackend select(String requested, Path dir) {
        if (requested == null || requested.isBlank() || requested.equals("auto")) {
            return backends.stream().filter(b -> b.supports(dir))
                    .max(Comparator.comparingInt(b -> b.priority(dir)))
                    .orElseThrow(() -> ApiException.badField("model", "no inference backend can run " + dir.getFileName()));
        }
        InferenceBackend b = backends.stream().filter(x -> x.name().equals(requested)).findFirst()
                .orElseThrow(() -> ApiException.badField("backend", "unknown backend '" + requested + "' (known: auto, "
                        + String.join(", ", names()) + ")"));
        if (!b.supports(dir)) {
            throw ApiException.badField("backend", "backend " + requested + " cannot run " + dir.getFileName());
        }
        return b;
    }
}
