package io.autoround.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups of projections that inference engines fuse and that therefore share one NVFP4 global scale
 * ({@code data_type/utils.py::update_fused_layer_global_scales}): q/k/v of one attention module, gate/up of one
 * MLP, and w1/w3 of one expert. Use with {@link NvFp4Quantizer#sharedGlobalScale}.
 */
public final class FusedLayers {

    private static final List<List<String>> FUSED = List.of(List.of("q_proj", "k_proj", "v_proj"),
            List.of("gate_proj", "up_proj"), List.of("w1", "w3"));

    private FusedLayers() {
    }

    /** The fused groups (two or more members, same parent module) among {@code layerNames}, in input order. */
    public static List<List<String>> groups(List<String> layerNames) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (String name : layerNames) {
            int dot = name.lastIndexOf('.');
            String parent = dot < 0 ? "" : name.substring(0, dot);
            String leaf = name.substring(dot + 1);
            for (int f = 0; f < FUSED.size(); f++) {
                if (FUSED.get(f).contains(leaf)) {
                    byKey.computeIfAbsent(parent + "#" + f, k -> new ArrayList<>()).add(name);
                }
            }
        }
        return byKey.values().stream().filter(g -> g.size() > 1).map(List::copyOf).toList();
    }
}
