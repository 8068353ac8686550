package io.autoround.export.gguf;

import io.autoround.model.config.ModelConfig;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.LayerPlan;
import io.autoround.quant.scheme.LayerShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's per-tensor type choice for the GGUF k-quant file types ({@code llama_tensor_get_type}, reference-spec
 * 2.9), applied to the layer plan before quantization so each Linear is quantized in its final GGUF type:
 * <ul>
 *   <li>attn_v: Q2_K_S → Q4_K when {@code n_head / n_head_kv >= 4}; Q3_K_M → Q5_K for the first two, then Q4_K;
 *       Q3_K_L → Q5_K; Q4_K_M / Q5_K_M → Q6_K when {@code use_more_bits(i, n)}; Q4_K_S → Q5_K for the first four.</li>
 *   <li>ffn_down: Q2_K_S → Q4_K for {@code i < n/8}; Q3_K_M → Q5_K for {@code i < n/16}, else Q4_K;
 *       Q3_K_L → Q5_K; Q4_K_M / Q5_K_M → Q6_K when {@code use_more_bits(i, n)}; Q4_K_S → Q5_K for {@code i < n/8}.</li>
 *   <li>attn_output: Q3_K_M → Q4_K; Q3_K_L → Q5_K.</li>
 *   <li>shape fallback when in_features is not a multiple of 256: Q2_K/Q3_K/Q4_K/Q5_K → Q5_0, Q6_K → Q8_0; when it is not a
 *       multiple of 32 either, the layer stays unquantized (BF16).</li>
 * </ul>
 * The dense architectures this exporter supports have no experts, so the 8-expert rules never apply. Layers the
 * user fixed with {@code layer_config} keep their scheme. Legacy file types are returned unchanged.
 */
public final class GgufTypeRecipe {
    private static final Pattern LAYER = Pattern.compile(
            "model\\.layers\\.(\\d+)\\.(self_attn\\.v_proj|mlp\\.down_proj|self_attn\\.o_proj)");

    private GgufTypeRecipe() {}

    /** llama.cpp's {@code use_more_bits}: the first and last eighth, and every third layer in between. */
    public static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /**
     * The GGUF type of a Linear layer (HF name) with {@code inFeatures} inputs in a model of {@code nLayer} blocks
     * with {@code nGqa} query heads per KV head.
     */
    public static GgmlType typeOf(GgufFileType file, String layer, int inFeatures, int nLayer, int nGqa) {
        GgmlType t = file.baseType();
        Matcher m = LAYER.matcher(layer);
        if (file.baseType().isKQuant() && m.matches()) {
            int i = Integer.parseInt(m.group(1));
            String f = file.format();
            boolean more = useMoreBits(i, nLayer);
            boolean v = m.group(2).equals("self_attn.v_proj");
            boolean out = m.group(2).equals("self_attn.o_proj");
            if (f.equals("gguf:q3_k_m")) {
                t = out ? GgmlType.Q4_K : v ? (i < 2 ? GgmlType.Q5_K : GgmlType.Q4_K)
                        : i < nLayer / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (f.equals("gguf:q3_k_l")) {
                t = GgmlType.Q5_K;
            } else if (out) {
                t = file.baseType(); // attn_output changes only for Q2_K, Q3_K_M/L and 8-expert models
            } else if (f.equals("gguf:q2_k_s")) {
                t = (v ? nGqa >= 4 : i < nLayer / 8) ? GgmlType.Q4_K : t;
            } else if (f.equals("gguf:q4_k_m") || f.equals("gguf:q5_k_m")) {
                t = more ? GgmlType.Q6_K : t;
            } else if (f.equals("gguf:q4_k_s")) {
                boolean early = v ? i < 4 : i < nLayer / 8;
                t = early ? GgmlType.Q5_K : t;
            }
        }
        return shapeFallback(t, inFeatures);
    }

    /** The type actually written for {@code t} when rows have {@code inFeatures} elements (BF16 = unquantized). */
    public static GgmlType shapeFallback(GgmlType t, int inFeatures) {
        if (t.isKQuant() && inFeatures % t.blockSize() != 0) {
            t = t == GgmlType.Q6_K ? GgmlType.Q8_0 : GgmlType.Q5_0;
        }
        return t.isQuantized() && inFeatures % t.blockSize() != 0 ? GgmlType.BF16 : t;
    }

    /** {@code layers} with each quantized, not user-fixed Linear's scheme replaced by its recipe type's scheme. */
    public static List<LayerPlan> apply(GgufFileType file, ModelConfig config, List<LayerShape> shapes,
            List<LayerPlan> layers) {
        if (!file.baseType().isKQuant()) {
            return layers;
        }
        Map<String, LayerShape> byName = new HashMap<>();
        shapes.forEach(s -> byName.put(s.name(), s));
        List<LayerPlan> out = new ArrayList<>();
        for (LayerPlan p : layers) {
            LayerShape s = byName.get(p.name());
            if (!p.quantized() || p.fixedByUser() || s == null) {
                out.add(p);
                continue;
            }
            int nGqa = config.numKeyValueHeads() > 0 ? config.numAttentionHeads() / config.numKeyValueHeads() : 1;
            GgmlType t = typeOf(file, p.name(), s.inFeatures(), config.numHiddenLayers(), nGqa);
            QuantScheme scheme = t == GgmlType.BF16 ? null : GgufLayerPacker.schemeOf(t);
            String reason = scheme == null ? "GGUF: in_features " + s.inFeatures() + " not a multiple of 32" : p.reason();
            out.add(new LayerPlan(p.name(), scheme, reason, false, p.inBlock()));
        }
        return out;
    }
}
