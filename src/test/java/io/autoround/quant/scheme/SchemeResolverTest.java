package io.autoround.quant.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.QuantScheme;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemeResolverTest {

    @Test
    void presetsResolveLikeTheReference() {
        assertEquals(new QuantScheme(4, 128, true, "int", 16, 128, true, "float", true, null, null),
                SchemePresets.get("w4a16"));
        assertEquals(new QuantScheme(2, 64, true, "int", 16, 64, true, "float", true, null, null),
                SchemePresets.get("W2A16G64"));
        assertEquals(new QuantScheme(4, 32, true, "mx_fp", 4, 32, true, "mx_fp", true, null, null),
                SchemePresets.get("MXFP4"));
        assertEquals("mx_fp_rceil", SchemePresets.get("mxfp8_rceil").actDataType());
        assertEquals(8, SchemePresets.get("MXFP8_RCEIL").bits());
        assertEquals(new QuantScheme(4, 16, true, "nv_fp", 4, 16, true, "nv_fp4_with_static_gs", false, null, null),
                SchemePresets.get("NVFP4"));
        assertEquals(new QuantScheme(8, 0, true, "fp", 16, 0, true, "fp", true, null, null),
                SchemePresets.get("FPW8A16"));
        assertEquals(new QuantScheme(8, -1, true, "fp", 8, 0, true, "fp", false, null, null),
                SchemePresets.get("FP8_STATIC"));
        assertEquals(new QuantScheme(8, -1, true, "int", 8, -1, true, "int", true, null, null),
                SchemePresets.get("INT8"));
        assertEquals(SchemePresets.get("INT8"), SchemePresets.get("int8_w8a8"));
        assertEquals(new QuantScheme(4, -1, true, "int", 4, -1, true, "int", true, null, null),
                SchemePresets.get("INT4"));
        assertTrue(SchemePresets.get("BF16").keepsFullPrecision());
        assertEquals("mx_int", SchemePresets.get("MXINT4").dataType());
        assertEquals(6, SchemePresets.get("MXFP6").bits());
        QuantScheme q4km = SchemePresets.get("gguf:q4_k_m");
        assertEquals(new QuantScheme(4, 32, false, "int_asym_dq", 16, 32, false, "float", true, 6, 8), q4km);
        assertEquals(new QuantScheme(6, 16, true, "int_sym_dq", 16, 16, true, "float", true, 8, 16),
                SchemePresets.get("GGUF:Q6_K"));
        assertEquals("int_asym_float_zp", SchemePresets.get("GGUF:Q5_1").dataType());
        assertNull(SchemePresets.get("GGUF:Q8_0").superBits());
        for (String name : SchemePresets.names()) {
            SchemePresets.get(name); // every preset resolves and validates
        }
    }

    @Test
    void unknownPresetListsValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchemePresets.get("W9A16"));
        assertTrue(e.getMessage().contains("Unknown scheme 'W9A16'"), e.getMessage());
        assertTrue(e.getMessage().contains("W4A16") && e.getMessage().contains("NVFP4")
                && e.getMessage().contains("GGUF:Q4_K_M"), e.getMessage());
        QuantScheme block = SchemePresets.get("FP8_BLOCK");
        assertEquals(128, block.blockRows(), "FP8_BLOCK's group_size (128, 128): 2-D weight blocks");
        assertEquals(128, block.groupSize());
        assertEquals(List.of(128, 128), SchemeResolver.toFields(block).get("group_size"));
        assertEquals(block, SchemeResolver.resolve("FPW8A16", Map.of("group_size", List.of(128, 128), "act_bits", 8,
                "act_group_size", 128, "act_dynamic", true)));
        IllegalArgumentException tuple = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("group_size", List.of(128, 128))));
        assertTrue(tuple.getMessage().contains("only allowed for FP8 weights with dynamic FP8 activations"),
                tuple.getMessage());
    }

    @Test
    void overridesFollowTheResolutionRules() {
        QuantScheme g32 = SchemeResolver.resolve("W4A16", Map.of("group_size", 32));
        assertEquals(32, g32.groupSize());
        assertEquals(32, g32.actGroupSize(), "act_group_size follows group_size when the preset leaves it unset");
        QuantScheme asym = SchemeResolver.resolve("W4A16", Map.of("sym", false));
        assertFalse(asym.sym());
        assertFalse(asym.actSym(), "act_sym follows sym");
        QuantScheme mx = SchemeResolver.resolve("W4A16", Map.of("data_type", "mx_fp8"));
        assertEquals(8, mx.bits(), "embedded bits override bits");
        assertEquals("mx_fp", mx.dataType(), "normalised to the family");
        QuantScheme fp8 = SchemeResolver.resolve("W4A16", Map.of("data_type", "fp8", "group_size", 0));
        assertEquals(8, fp8.bits());
        assertEquals("fp", fp8.dataType());
        QuantScheme nv = SchemeResolver.resolve("W4A16", Map.of("data_type", "nv_fp4", "group_size", 16));
        assertEquals("nv_fp", nv.dataType());
        QuantScheme e4m3 = SchemeResolver.resolve("W4A16", Map.of("data_type", "fp8_e4m3"));
        assertEquals(8, e4m3.bits());
        assertEquals("fp8_e4m3", e4m3.dataType(), "only a bare family+bits name is normalised");
        QuantScheme w8a8 = SchemeResolver.resolve("W8A16", Map.of("act_bits", 8));
        assertEquals("int", w8a8.actDataType(), "act data type adopts a supported weight data type");
        QuantScheme dq = SchemeResolver.resolve("W4A16", Map.of("data_type", "int_asym_dq", "bits", 4));
        assertEquals(SchemePresets.get("GGUF:Q4_K_S"), dq, "_dq data types select the GGUF preset");
        assertEquals(SchemePresets.get("GGUF:Q6_K"),
                SchemeResolver.resolve("W4A16", Map.of("data_type", "int_sym_dq", "bits", 6)));
        assertEquals(SchemePresets.get("GGUF:Q4_0"), SchemeResolver.resolve("gguf:q4_0", Map.of("bits", 8)),
                "GGUF presets ignore overrides");
    }

    @Test
    void invalidValuesGetClearErrors() {
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("bits", 9)));
        assertTrue(bits.getMessage().contains("bits=9 is not supported by data_type 'int'"), bits.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("bits", 1)));
        assertTrue(one.getMessage().contains("[2, 3, 4, 5, 6, 7, 8]"), one.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("bits", 0)));
        assertTrue(zero.getMessage().contains("bits must be > 0"), zero.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("group_size", -2)));
        assertTrue(group.getMessage().contains("group_size must be -1"), group.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("bitz", 4)));
        assertTrue(key.getMessage().contains("Invalid scheme key 'bitz'"), key.getMessage());
        IllegalArgumentException mx = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("MXFP4", Map.of("bits", 5)));
        assertTrue(mx.getMessage().contains("data_type 'mx_fp'"), mx.getMessage());
        IllegalArgumentException dq = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("data_type", "int_asym_dq")));
        assertTrue(dq.getMessage().contains("Must specify 'bits'"), dq.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> SchemeResolver.resolve("W4A16", Map.of("sym", "maybe")));
        assertTrue(type.getMessage().contains("'sym' must be a boolean"), type.getMessage());
    }

    @Test
    void dataTypeBitsInference() {
        assertEquals(4, DataTypes.inferBits("mx_fp4"));
        assertEquals(8, DataTypes.inferBits("fp8_e5m2"));
        assertEquals(4, DataTypes.inferBits("nv_fp4_with_static_gs"));
        assertEquals(16, DataTypes.inferBits("int16"));
        assertNull(DataTypes.inferBits("int"));
        assertNull(DataTypes.inferBits("float"));
        assertNull(DataTypes.inferBits("nvfp4_v2"));
        assertEquals(16, DataTypes.inferBits(null));
    }

    @Test
    void standardRegexMatchesTheReferenceExamples() {
        assertEquals(".*model\\.embed_tokens.*", StandardRegex.of("model.embed_tokens"));
        assertEquals(".*mlp\\.gate.*", StandardRegex.of("mlp.gate"));
        assertEquals(".*mlp\\.gate$", StandardRegex.of("mlp.gate$"));
        assertEquals(".*mlp.*gate.*", StandardRegex.of("mlp.*gate"));
        assertEquals("^lm_head$", StandardRegex.of("^lm_head$"));
        assertTrue(StandardRegex.search("k_proj", "model.layers.3.self_attn.k_proj"));
        assertFalse(StandardRegex.search("mlp.gate$", "model.layers.0.mlp.gate_proj"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> StandardRegex.of("(a"));
        assertTrue(bad.getMessage().contains("Invalid regex generated from pattern '(a'"), bad.getMessage());
    }
}
