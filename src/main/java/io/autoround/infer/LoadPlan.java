package io.autoround.infer;

import ai.djl.Device;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.quant.QuantizedWeight;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The backend chosen for every quantized layer of a checkpoint, decided before any weight is loaded so that a
 * layer no backend (or not the forced one) can serve fails fast with its name.
 */
public final class LoadPlan {
    private final Map<String, BackendSelection> selections;

    private LoadPlan(Map<String, BackendSelection> selections) {
        this.selections = selections;
    }

    /** Selects per layer; {@code choice} is {@code auto} or a backend name. */
    public static LoadPlan of(QuantizedCheckpoint ckpt, Device device, String choice, BackendRegistry registry) {
        Map<String, BackendSelection> out = new LinkedHashMap<>();
        for (QuantizedWeight w : ckpt.weights().values()) {
            LayerRequest r = new LayerRequest(w.name(), w.scheme(), ckpt.format(), device, w.rows(), w.cols());
            out.put(w.name(), registry.select(r, choice));
        }
        return new LoadPlan(out);
    }

    /** Layer name -> selection, in checkpoint order. */
    public Map<String, BackendSelection> selections() {
        return java.util.Collections.unmodifiableMap(selections);
    }

    /** Distinct backends used. */
    public Set<String> backendsUsed() {
        Set<String> out = new LinkedHashSet<>();
        selections.values().forEach(s -> out.add(s.backend().name()));
        return out;
    }

    /**
     * The choice explained once per distinct (scheme, format, backend) with the number of layers it covers, plus
     * install hints for better backends.
     */
    public String explain() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        for (BackendSelection s : selections.values()) {
            String text = s.explain();
            counts.merge(text, 1, Integer::sum);
            first.putIfAbsent(text, s.request().layer());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            sb.append(e.getValue()).append(" layer(s) like ").append(first.get(e.getKey())).append(": ")
                    .append(e.getKey()).append('\n');
        }
        return sb.toString();
    }
}
