package io.autoround.api;

import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.LayerPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps in 16 bits the layers an export format cannot pack because of their shape (e.g. AWQ with in_features not a
 * multiple of group_size), with one warning per layer, instead of failing the run: the reference likewise skips
 * layers whose shape does not fit the packing and lists them as unquantized in the exported config.
 */
final class PackingFallback {
    private static final Logger LOG = LoggerFactory.getLogger(PackingFallback.class);

    private PackingFallback() {}

    /** {@code plan} with every layer that some target cannot pack moved to full precision. */
    static RunPlan apply(RunPlan plan) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (ExportTarget t : plan.targets()) {
            t.exporter().unpackableLayers(plan.exportPlan(t)).forEach(kept::putIfAbsent);
        }
        if (kept.isEmpty()) {
            return plan;
        }
        kept.values().forEach(why -> WarnOnce.warn(LOG, why + "; keeping it in 16 bits"));
        List<LayerPlan> layers = new ArrayList<>();
        for (LayerPlan p : plan.layers()) {
            String why = kept.get(p.name());
            layers.add(why == null ? p : new LayerPlan(p.name(), null, "kept in 16 bits: " + why, true, p.inBlock()));
        }
        Map<String, QuantScheme> schemes = new LinkedHashMap<>(plan.layerSchemes());
        kept.keySet().forEach(l -> schemes.put(l, QuantScheme.fullPrecision()));
        if (schemes.values().stream().allMatch(QuantScheme::keepsFullPrecision)) {
            throw new IllegalArgumentException("no layer of " + plan.modelName() + " can be packed in "
                    + plan.targets().stream().map(ExportTarget::format).toList() + " with " + plan.presetName()
                    + " (e.g. " + kept.values().iterator().next() + "); choose a group_size that divides in_features");
        }
        return new RunPlan(plan.options(), plan.modelDir(), plan.modelName(), plan.config(), plan.arch(),
                plan.presetName(), plan.scheme(), List.copyOf(layers), schemes, plan.algorithm(), plan.modelFree(),
                plan.precision(), plan.targets());
    }
}
