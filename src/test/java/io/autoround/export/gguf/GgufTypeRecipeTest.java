package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** llama.cpp's per-tensor type choices for the k-quant file types (reference-spec 2.9). */
class GgufTypeRecipeTest {

    @Test
    void useMoreBits() {
        List<Integer> more = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if (GgufTypeRecipe.useMoreBits(i, 32)) {
                more.add(i);
            }
        }
        // first and last eighth, and (i - 4) % 3 == 2 in between
        assertEquals(List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31), more);
    }

    @Test
    void typesPerFileType() {
        GgufFileType m = GgufFileType.ofFormat("gguf:q4_k_m");
        GgufFileType s = GgufFileType.ofFormat("gguf:q4_k_s");
        GgufFileType q6 = GgufFileType.ofFormat("gguf:q6_k");
        String down = "model.layers.%d.mlp.down_proj";
        String v = "model.layers.%d.self_attn.v_proj";
        assertEquals(GgmlType.Q6_K, GgufTypeRecipe.typeOf(m, down.formatted(6), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(m, down.formatted(7), 1024, 32, 4));
        assertEquals(GgmlType.Q6_K, GgufTypeRecipe.typeOf(m, v.formatted(0), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(m, "model.layers.0.self_attn.q_proj", 1024, 32, 4));
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(s, v.formatted(3), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(s, v.formatted(4), 1024, 32, 4));
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(s, down.formatted(3), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(s, down.formatted(4), 1024, 32, 4));
        assertEquals(GgmlType.Q6_K, GgufTypeRecipe.typeOf(q6, down.formatted(4), 1024, 32, 4));
        GgufFileType q2 = GgufFileType.ofFormat("gguf:q2_k_s");
        assertEquals(21, q2.fileTypeId());
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(q2, v.formatted(9), 1024, 32, 4));
        assertEquals(GgmlType.Q2_K, GgufTypeRecipe.typeOf(q2, v.formatted(9), 1024, 32, 3));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(q2, down.formatted(3), 1024, 32, 3));
        assertEquals(GgmlType.Q2_K, GgufTypeRecipe.typeOf(q2, down.formatted(4), 1024, 32, 3));
        assertEquals(GgmlType.Q5_0, GgufTypeRecipe.typeOf(q2, down.formatted(4), 384, 32, 3));
        GgufFileType q3m = GgufFileType.ofFormat("gguf:q3_k_m");
        GgufFileType q3s = GgufFileType.ofFormat("gguf:q3_k_s");
        GgufFileType q3l = GgufFileType.ofFormat("gguf:q3_k_l");
        assertEquals(11, q3s.fileTypeId());
        assertEquals(12, q3m.fileTypeId());
        assertEquals(13, q3l.fileTypeId());
        String o = "model.layers.%d.self_attn.o_proj";
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(q3m, v.formatted(1), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(q3m, v.formatted(2), 1024, 32, 4));
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(q3m, down.formatted(1), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(q3m, down.formatted(2), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(q3m, o.formatted(5), 1024, 32, 4));
        assertEquals(GgmlType.Q3_K, GgufTypeRecipe.typeOf(q3m, "model.layers.5.mlp.up_proj", 1024, 32, 4));
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(q3l, o.formatted(5), 1024, 32, 4));
        assertEquals(GgmlType.Q5_K, GgufTypeRecipe.typeOf(q3l, down.formatted(20), 1024, 32, 4));
        assertEquals(GgmlType.Q3_K, GgufTypeRecipe.typeOf(q3s, down.formatted(0), 1024, 32, 4));
        assertEquals(GgmlType.Q3_K, GgufTypeRecipe.typeOf(q3s, o.formatted(0), 1024, 32, 4));
        assertEquals(GgmlType.Q4_K, GgufTypeRecipe.typeOf(m, o.formatted(0), 1024, 32, 4));
        // shape fallbacks: 384 inputs do not split into 256-blocks
        assertEquals(GgmlType.Q8_0, GgufTypeRecipe.typeOf(m, down.formatted(6), 384, 32, 4));
        assertEquals(GgmlType.Q5_0, GgufTypeRecipe.typeOf(m, down.formatted(7), 384, 32, 4));
        assertEquals(GgmlType.BF16, GgufTypeRecipe.typeOf(m, down.formatted(7), 200, 32, 4));
        // legacy file types are untouched by the k-quant rules
        assertEquals(GgmlType.Q4_0, GgufTypeRecipe.typeOf(GgufFileType.ofFormat("gguf:q4_0"), down.formatted(0), 1024, 32, 4));
        assertEquals(14, s.fileTypeId());
        assertEquals(15, m.fileTypeId());
        assertEquals(18, q6.fileTypeId());
        assertEquals("Q4_K_M", m.label());
        assertEquals(GgmlType.Q6_K, m.outputType());
        assertEquals(GgmlType.Q8_0, GgufFileType.ofFormat("gguf:q8_0").outputType());
    }
}
