package io.autoround.infer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The inference backends on the class path ({@code META-INF/services/io.autoround.infer.InferenceBackend}) and the
 * per-layer selection rule of the reference: keep the backends whose declared capabilities, shape checks and
 * device fit the layer and that can run here, then take the highest priority.
 */
public final class BackendRegistry {
    /** The name that lets the registry choose. */
    public static final String AUTO = "auto";

    private final List<InferenceBackend> backends;

    public BackendRegistry(List<InferenceBackend> backends) {
        List<InferenceBackend> sorted = new ArrayList<>(backends);
        sorted.sort(Comparator.comparingInt((InferenceBackend b) -> -b.capabilities().priority())
                .thenComparing(InferenceBackend::name));
        this.backends = List.copyOf(sorted);
    }

    /** The backends found by ServiceLoader, highest priority first. */
    public static BackendRegistry discover() {
        List<InferenceBackend> found = new ArrayList<>();
        ServiceLoader.load(InferenceBackend.class, BackendRegistry.class.getClassLoader()).forEach(found::add);
        return new BackendRegistry(found);
    }

    public List<InferenceBackend> all() {
        return backends;
    }

    /** Backend names, highest priority first. */
    public List<String> names() {
        return backends.stream().map(InferenceBackend::name).toList();
    }

    public Optional<InferenceBackend> find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return backends.stream().filter(b -> b.name().equals(n)).findFirst();
    }

    /**
     * The backend for one layer. {@code choice} is {@link #AUTO} or a backend name; a forced backend that cannot
     * serve the layer, or a layer no backend serves, fails with a message naming the layer and every reason.
     */
    public BackendSelection select(LayerRequest request, String choice) {
        boolean auto = choice == null || AUTO.equalsIgnoreCase(choice);
        List<InferenceBackend> candidates = auto ? backends : List.of(find(choice).orElseThrow(() ->
                new NoBackendException("unknown backend '" + choice + "'; available: auto, " + String.join(", ", names()))));
        List<String> rejected = new ArrayList<>();
        InferenceBackend chosen = null;
        String hint = null;
        for (InferenceBackend b : candidates) {
            List<String> problems = new ArrayList<>(b.capabilities().mismatches(request));
            if (problems.isEmpty()) {
                problems.addAll(b.shapeProblems(request));
            }
            if (problems.isEmpty()) {
                Availability a = b.availability(request.device());
                if (!a.available()) {
                    problems.add("not available here: " + a.reason());
                    if (chosen == null && hint == null && !a.installHint().isEmpty()) {
                        hint = b.name() + " (priority " + b.capabilities().priority() + ") would serve this layer; "
                                + a.installHint();
                    }
                }
            }
            if (problems.isEmpty() && chosen == null) {
                chosen = b;
            } else if (!problems.isEmpty()) {
                rejected.add(b.name() + ": " + String.join("; ", problems));
            }
        }
        if (chosen == null) {
            String what = auto ? "no inference backend can serve" : "backend '" + choice + "' cannot serve";
            throw new NoBackendException(what + " layer '" + request.layer() + "' (" + request.describeScheme() + "): "
                    + String.join(" | ", rejected) + (hint != null ? ". Hint: " + hint : ""));
        }
        return new BackendSelection(chosen, request, rejected, Optional.ofNullable(hint));
    }
}
