package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.scheme.SchemePresets;
import io.autoround.quant.scheme.SchemeResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {

    private static boolean opt(String preset, Boolean disable, int iters) {
        return OptRtnPolicy.usesOptimizedRtn(preset, SchemePresets.get(preset), disable, iters);
    }

    @Test
    void whenOptimizedRtnRuns() {
        assertTrue(opt("W4A16", null, 0));
        assertTrue(opt("W2A16G64", null, 0));
        assertFalse(opt("W4A16", true, 0), "disable_opt_rtn");
        assertFalse(opt("W4A16", null, 200), "only at iters=0");
        assertFalse(opt("W8A16", null, 0), "W8 with A>=8 forces pure RTN");
        assertTrue(opt("W8A16", false, 0), "unless explicitly enabled");
        assertFalse(opt("INT8", null, 0));
        assertFalse(opt("MXFP4", null, 0), "MXFP at iters=0 in the regular flow is pure RTN");
        assertTrue(opt("NVFP4", null, 0), "needs calibration for the static activation global scale");
        assertTrue(opt("GGUF:Q4_K_M", null, 0));
        QuantScheme asym = SchemeResolver.resolve("W4A16", Map.of("sym", false));
        assertFalse(OptRtnPolicy.usesOptimizedRtn("W4A16", asym, null, 0), "asymmetric never");
    }

    @Test
    void fusedGroupsPerParentModule() {
        List<String> names = List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj",
                "model.layers.0.self_attn.v_proj", "model.layers.0.self_attn.o_proj", "model.layers.0.mlp.gate_proj",
                "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj", "model.layers.1.self_attn.q_proj",
                "model.layers.1.block_sparse_moe.experts.0.w1", "model.layers.1.block_sparse_moe.experts.0.w3",
                "model.layers.1.block_sparse_moe.experts.0.w2");
        assertEquals(List.of(
                List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj",
                        "model.layers.0.self_attn.v_proj"),
                List.of("model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj"),
                List.of("model.layers.1.block_sparse_moe.experts.0.w1",
                        "model.layers.1.block_sparse_moe.experts.0.w3")), FusedLayers.groups(names));
    }
}
