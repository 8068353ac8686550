package io.autoround.autoscheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LayerGroupsTest {
    private static final Function<String, String> BLOCK = n -> n.startsWith("model.layers.")
            ? n.substring(0, n.indexOf('.', "model.layers.".length())) : null;

    private static final List<String> LAYERS = List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj",
            "model.layers.0.self_attn.v_proj", "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.k_proj",
            "model.layers.1.self_attn.v_proj", "lm_head");

    @Test
    void patternsGroupWithinEachBlock() {
        List<List<String>> g = LayerGroups.of(LAYERS, List.of(List.of("k_proj", "v_proj")), BLOCK);
        assertEquals(List.of(List.of("model.layers.0.self_attn.q_proj"),
                List.of("model.layers.0.self_attn.k_proj", "model.layers.0.self_attn.v_proj"),
                List.of("model.layers.1.self_attn.q_proj"),
                List.of("model.layers.1.self_attn.k_proj", "model.layers.1.self_attn.v_proj"), List.of("lm_head")), g);
    }

    @Test
    void exactNamesAndOverlappingGroupsMerge() {
        List<List<String>> g = LayerGroups.of(LAYERS, List.of(
                List.of("model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj"),
                List.of("model.layers.1.self_attn.q_proj", "lm_head")), BLOCK);
        assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj", "lm_head"), g.get(0));
        assertEquals(5, g.size());
    }

    @Test
    void expertsOfOneBlockFormOneGroup() {
        List<String> moe = List.of("model.layers.0.mlp.experts.0.up_proj", "model.layers.0.mlp.experts.1.up_proj",
                "model.layers.0.mlp.gate", "model.layers.1.mlp.experts.0.up_proj");
        assertEquals(3, LayerGroups.of(moe, List.of(), BLOCK).size());
    }

    @Test
    void aGroupMatchingNothingIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> LayerGroups.of(LAYERS, List.of(List.of("no_such_proj")), BLOCK));
    }
}
