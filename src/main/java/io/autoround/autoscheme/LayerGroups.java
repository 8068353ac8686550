package io.autoround.autoscheme;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The units the selection decides on: single layers, or groups that must share one option (the user's
 * {@code shared_layers}, matched as the reference does, and the expert projections of one MoE block).
 */
public final class LayerGroups {
    private LayerGroups() {
    }

    /**
     * Groups of {@code layers} (model order kept: a group sits where its first member is).
     *
     * @param shared each inner list is exact layer names or, when not all are names, regex / substring patterns
     *     matched within each block separately (a group per block)
     * @param blockOf layer name to its block prefix, or null outside blocks
     */
    public static List<List<String>> of(List<String> layers, List<List<String>> shared,
            java.util.function.Function<String, String> blockOf) {
        Map<String, String> parent = new LinkedHashMap<>();
        layers.forEach(l -> parent.put(l, l));
        List<List<String>> matched = new ArrayList<>();
        for (List<String> group : shared == null ? List.<List<String>>of() : shared) {
            if (parent.keySet().containsAll(group)) {
                matched.add(group);
                continue;
            }
            Map<String, List<String>> perBlock = new LinkedHashMap<>();
            for (String layer : layers) {
                String block = blockOf.apply(layer);
                if (block == null) {
                    continue;
                }
                for (String pattern : group) {
                    if (pattern.equals(layer) || matches(pattern, layer)) {
                        perBlock.computeIfAbsent(block, b -> new ArrayList<>()).add(layer);
                        break;
                    }
                }
            }
            if (perBlock.isEmpty()) {
                throw new IllegalArgumentException("shared_layers group " + group + " matches no layer being decided");
            }
            matched.addAll(perBlock.values());
        }
        matched.addAll(expertGroups(layers, blockOf));
        for (List<String> g : matched) {
            for (int i = 1; i < g.size(); i++) {
                union(parent, g.get(0), g.get(i));
            }
        }
        Map<String, List<String>> byRoot = new LinkedHashMap<>();
        for (String l : layers) {
            byRoot.computeIfAbsent(find(parent, l), r -> new ArrayList<>()).add(l);
        }
        return new ArrayList<>(byRoot.values());
    }

    /** All expert projections of one block form one group (the reference's build_expert_groups). */
    private static List<List<String>> expertGroups(List<String> layers, java.util.function.Function<String, String> blockOf) {
        Map<String, List<String>> byBlock = new LinkedHashMap<>();
        Pattern expert = Pattern.compile("\\.experts\\.\\d+(\\.|$)");
        for (String l : layers) {
            String block = blockOf.apply(l);
            if (block != null && expert.matcher(l).find()) {
                byBlock.computeIfAbsent(block, b -> new ArrayList<>()).add(l);
            }
        }
        return new ArrayList<>(byBlock.values());
    }

    /** re.fullmatch or re.search, else substring (an invalid regex falls back to substring). */
    private static boolean matches(String pattern, String layer) {
        try {
            if (Pattern.compile(pattern).matcher(layer).find()) {
                return true;
            }
        } catch (PatternSyntaxException e) {
            // not a regex: substring below
        }
        return layer.contains(pattern);
    }

    private static String find(Map<String, String> parent, String x) {
        while (!parent.get(x).equals(x)) {
            parent.put(x, parent.get(parent.get(x)));
            x = parent.get(x);
        }
        return x;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }

    /** Every layer to the index of its group. */
    static Map<String, Integer> indexOf(List<List<String>> groups) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            for (String l : groups.get(i)) {
                m.put(l, i);
            }
        }
        return m;
    }
}
