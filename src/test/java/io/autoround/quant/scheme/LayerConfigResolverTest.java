package io.autoround.quant.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.QuantScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Layer rules of reference-spec 3.8 on the golden Qwen3's layer list (plus a few odd shapes). */
class LayerConfigResolverTest {

    private static final QuantScheme W4 = SchemePresets.get("W4A16");

    private static List<LayerShape> qwen3(int layers) {
        List<LayerShape> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            out.add(new LayerShape(p + "self_attn.q_proj", 256, 256, true));
            out.add(new LayerShape(p + "self_attn.k_proj", 128, 256, true));
            out.add(new LayerShape(p + "self_attn.v_proj", 128, 256, true));
            out.add(new LayerShape(p + "self_attn.o_proj", 256, 256, true));
            out.add(new LayerShape(p + "mlp.gate_proj", 768, 256, true));
            out.add(new LayerShape(p + "mlp.up_proj", 768, 256, true));
            out.add(new LayerShape(p + "mlp.down_proj", 256, 768, true));
        }
        out.add(new LayerShape("lm_head", 512, 256, false));
        return out;
    }

    private static Map<String, LayerPlan> run(List<LayerShape> layers, QuantScheme dflt, Map<String, ?> cfg,
            boolean quantLmHead, boolean tied, String ignore) {
        return LayerConfigResolver.resolve(layers, "lm_head", List.of("model.embed_tokens"), tied, dflt, cfg,
                quantLmHead, ignore).stream().collect(Collectors.toMap(LayerPlan::name, p -> p));
    }

    @Test
    void defaultsQuantiseBlocksOnly() {
        Map<String, LayerPlan> plans = run(qwen3(2), W4, Map.of(), false, false, null);
        assertEquals(16, plans.size());
        assertEquals(14, plans.values().stream().filter(LayerPlan::quantized).count());
        assertEquals(W4, plans.get("model.layers.1.mlp.down_proj").scheme());
        assertFalse(plans.get("model.layers.1.mlp.down_proj").fixedByUser());
        assertFalse(plans.get("lm_head").quantized());
        assertTrue(plans.get("lm_head").reason().contains("quant_lm_head=false"));
        assertFalse(plans.get("model.embed_tokens").quantized());
    }

    @Test
    void lmHeadRules() {
        assertEquals(W4, run(qwen3(1), W4, Map.of(), true, false, null).get("lm_head").scheme());
        LayerPlan tied = run(qwen3(1), W4, Map.of(), true, true, null).get("lm_head");
        assertFalse(tied.quantized(), "tied embeddings forbid lm_head quantisation");
        assertTrue(tied.reason().contains("tied"), tied.reason());
        LayerPlan viaConfig = run(qwen3(1), W4, Map.of("lm_head", Map.of("bits", 8)), false, false, null)
                .get("lm_head");
        assertEquals(8, viaConfig.scheme().bits(), "naming lm_head in layer_config turns quant_lm_head on");
    }

    @Test
    void userEntriesExactAndPatterns() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model.layers.0.mlp.down_proj", "W8A16");
        cfg.put("k_proj", Map.of("bits", 8));
        cfg.put("layers.1.*up", Map.of("bits", 2, "group_size", 32));
        cfg.put("v_proj", Map.of("data_type", "mx_fp8", "group_size", 32));
        Map<String, LayerPlan> plans = run(qwen3(2), W4, cfg, false, false, null);
        assertEquals(8, plans.get("model.layers.0.mlp.down_proj").scheme().bits());
        assertTrue(plans.get("model.layers.0.mlp.down_proj").fixedByUser());
        assertEquals(8, plans.get("model.layers.1.self_attn.k_proj").scheme().bits());
        assertEquals(128, plans.get("model.layers.1.self_attn.k_proj").scheme().groupSize(), "filled from default");
        assertEquals(2, plans.get("model.layers.1.mlp.up_proj").scheme().bits());
        assertEquals(32, plans.get("model.layers.1.mlp.up_proj").scheme().groupSize());
        assertEquals(4, plans.get("model.layers.0.mlp.up_proj").scheme().bits(), "pattern is anchored on layers.1");
        QuantScheme v = plans.get("model.layers.0.self_attn.v_proj").scheme();
        assertEquals("mx_fp", v.dataType());
        assertEquals(8, v.bits(), "bits inferred from the data type");
        assertTrue(plans.get("model.layers.0.self_attn.v_proj").reason().contains("'v_proj'"));
        Map<String, Object> skip = new LinkedHashMap<>();
        skip.put("o_proj", Map.of("bits", 16));
        assertFalse(run(qwen3(1), W4, skip, false, false, null).get("model.layers.0.self_attn.o_proj").quantized());
    }

    @Test
    void laterPatternOverridesEarlierExactEntry() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model.layers.0.self_attn.q_proj", Map.of("bits", 8));
        cfg.put("q_proj", Map.of("bits", 3));
        assertEquals(3, run(qwen3(1), W4, cfg, false, false, null).get("model.layers.0.self_attn.q_proj").scheme()
                .bits());
    }

    @Test
    void ignoreLayersAppendsDotAfterTrailingDigit() {
        List<LayerShape> layers = qwen3(11);
        Map<String, LayerPlan> plans = run(layers, W4, Map.of(), false, false, "layers.1, mlp.down_proj");
        assertFalse(plans.get("model.layers.1.self_attn.q_proj").quantized());
        assertTrue(plans.get("model.layers.10.self_attn.q_proj").quantized(), "layers.1 must not match layers.10");
        assertFalse(plans.get("model.layers.5.mlp.down_proj").quantized());
        assertTrue(plans.get("model.layers.1.self_attn.q_proj").fixedByUser());
    }

    @Test
    void shapeRules() {
        List<LayerShape> layers = new ArrayList<>(qwen3(1));
        layers.add(new LayerShape("model.layers.0.mlp.odd_proj", 100, 256, true));
        layers.add(new LayerShape("model.layers.0.mlp.narrow_proj", 256, 48, true));
        Map<String, LayerPlan> intPlans = run(layers, W4, Map.of("odd_proj", Map.of("bits", 8)), false, false, null);
        LayerPlan odd = intPlans.get("model.layers.0.mlp.odd_proj");
        assertFalse(odd.quantized(), "INT WOQ: N % 32 != 0 stays 16-bit even when configured");
        assertTrue(odd.reason().contains("[100, 256] not divisible by 32"), odd.reason());
        assertFalse(intPlans.get("model.layers.0.mlp.narrow_proj").quantized(), "K = 48 not a multiple of 32");
        Map<String, LayerPlan> mx = run(layers, SchemePresets.get("MXFP4"), Map.of(), false, false, null);
        assertTrue(mx.get("model.layers.0.mlp.odd_proj").quantized(), "MX only checks in_features");
        LayerPlan narrow = mx.get("model.layers.0.mlp.narrow_proj");
        assertFalse(narrow.quantized());
        assertTrue(narrow.reason().contains("shape not divisible by 32"), narrow.reason());
    }

    @Test
    void badEntriesFailClearly() {
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> run(qwen3(1), W4, Map.of("k_proj", Map.of("bitz", 8)), false, false, null));
        assertTrue(key.getMessage().contains("Invalid keys [bitz] in layer_config for 'k_proj'"), key.getMessage());
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class,
                () -> run(qwen3(1), W4, Map.of("k_proj", "W9"), false, false, null));
        assertTrue(preset.getMessage().contains("Unknown scheme 'W9'"), preset.getMessage());
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> run(qwen3(1), W4, Map.of("k_proj", Map.of("bits", 9)), false, false, null));
        assertTrue(bits.getMessage().contains("model.layers.0.self_attn.k_proj")
                && bits.getMessage().contains("bits=9"), bits.getMessage());
        assertNull(run(qwen3(1), W4, Map.of("nothing_matches", Map.of("bits", 8)), false, false, null)
                .get("nothing_matches"), "a pattern matching nothing only warns");
    }
}
