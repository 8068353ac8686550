package io.autoround.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a checkpoint's {@code quantization_config} says about reading it: the packing layout, the global scheme
 * and each layer's scheme (auto_round {@code extra_config}, GPTQ {@code dynamic}, AWQ
 * {@code modules_to_not_convert}, compressed-tensors {@code ignore}).
 *
 * @param format detected packing name
 * @param scheme global scheme
 * @param layout packing layout of quantized layers
 * @param layerScheme layer name -> its scheme (bits 16 = not quantized)
 */
record FormatRules(String format, QuantScheme scheme, PackedLayout layout, Function<String, QuantScheme> layerScheme) {

    private static final QuantScheme FULL_PRECISION = new QuantScheme(16, -1, true, "float", 16, -1, true, "float",
            true, null, null);

    /** Rules for a quantization_config; unknown methods/packings fail with a clear message. */
    static FormatRules of(ObjectNode qc, String where) {
        String method = qc.path("quant_method").asText("");
        switch (method) {
            case "auto-round" -> {
                QuantScheme s = scheme(qc, null);
                // export_to_fp8.py writes no packing_format for weight-only FP8
                String packing = !qc.has("packing_format") && "fp".equals(s.dataType()) ? "auto_round:fp8"
                        : qc.path("packing_format").asText("auto_round:auto_gptq");
                PackedLayout layout = switch (packing) {
                    case "auto_round:fp8", AutoRoundExporter.FP8_STATIC_PACKING -> fp8Layout(qc, where);
                    case "auto_round:auto_gptq", "auto_round:gptq" -> GptqLayout.AUTO_ROUND_GPTQ;
                    case "auto_round:gptqmodel" -> GptqLayout.GPTQMODEL;
                    case "auto_round" -> GptqLayout.AUTO_ROUND_PLAIN;
                    case "auto_round:auto_awq" -> AwqLayout.AUTO_ROUND_AWQ;
                    case "auto_round:llm_compressor" -> FpLayouts.forScheme(packing, s);
                    default -> throw new CheckpointFormatException(where + ": unsupported packing_format '" + packing + "'");
                };
                JsonNode extra = qc.path("extra_config");
                return new FormatRules(packing, s, layout, layer -> {
                    JsonNode d = match(extra, layer);
                    return d == null ? s : scheme(d, s);
                });
            }
            case "gptq" -> {
                QuantScheme s = scheme(qc, null);
                JsonNode dynamic = qc.path("dynamic");
                return new FormatRules("auto_gptq", s, GptqLayout.AUTO_GPTQ, layer -> {
                    for (Iterator<Map.Entry<String, JsonNode>> it = dynamic.properties().iterator(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        String key = e.getKey();
                        boolean skip = key.startsWith("-:");
                        String regex = key.startsWith("+:") || skip ? key.substring(2) : key;
                        if (Pattern.compile(regex).matcher(layer).find()) {
                            return skip ? FULL_PRECISION : scheme(e.getValue(), s);
                        }
                    }
                    return s;
                });
            }
            case "awq" -> {
                QuantScheme s = QuantScheme.weightOnlyInt(qc.path("bits").asInt(4), qc.path("group_size").asInt(128),
                        !qc.path("zero_point").asBoolean(true));
                JsonNode skip = qc.path("modules_to_not_convert");
                return new FormatRules("auto_awq", s, AwqLayout.AUTO_AWQ, layer -> {
                    for (JsonNode m : skip) {
                        if (layer.contains(m.asText())) {
                            return FULL_PRECISION;
                        }
                    }
                    return s;
                });
            }
            case "compressed-tensors" -> {
                return compressedTensors(qc, where);
            }
            default -> throw new CheckpointFormatException(where + ": unsupported quant_method '" + method
                    + "' (supported: auto-round, gptq, awq, compressed-tensors)");
        }
    }

    /** Weight-only FP8 in the auto_round format: {@code fmt} names the element format. */
    private static PackedLayout fp8Layout(ObjectNode qc, String where) {
        String fmt = qc.path("fmt").asText("e4m3");
        if (!"e4m3".equals(fmt)) {
            throw new CheckpointFormatException(where + ": FP8 fmt '" + fmt + "' is not supported (only e4m3)");
        }
        return Fp8Layout.reader("auto_round");
    }

    private static FormatRules compressedTensors(ObjectNode qc, String where) {
        JsonNode groups = qc.path("config_groups");
        if (groups.size() != 1) {
            throw new CheckpointFormatException(where + ": compressed-tensors with " + groups.size()
                    + " config groups is not supported (one group expected)");
        }
        JsonNode w = groups.elements().next().path("weights");
        String format = qc.path("format").asText("");
        String dataType = switch (format) {
            case "pack-quantized", "int-quantized" -> "int";
            case "mxfp4-pack-quantized", "mxfp8-quantized" -> "mx_fp";
            case "nvfp4-pack-quantized" -> "nv_fp";
            case "float-quantized" -> "fp";
            default -> throw new CheckpointFormatException(where + ": unsupported compressed-tensors format '" + format + "'");
        };
        int bits = w.path("num_bits").asInt();
        int group = w.path("group_size").isNumber() ? w.path("group_size").asInt()
                : "tensor".equals(w.path("strategy").asText()) ? 0 : -1;
        boolean sym = w.path("symmetric").asBoolean(true);
        JsonNode acts = groups.elements().next().path("input_activations");
        JsonNode block = w.path("block_structure");
        int blockRows = 0;
        if ("block".equals(w.path("strategy").asText())) {
            if (!block.isArray() || block.size() != 2) {
                throw new CheckpointFormatException(where + ": block strategy without a 2-entry block_structure");
            }
            blockRows = block.get(0).asInt();
            group = block.get(1).asInt();
        }
        QuantScheme s;
        if ("nv_fp".equals(dataType) && acts.isObject()) {
            // NVFP4 W4A4: the activation global scale is static, stored per layer as input_global_scale
            s = new QuantScheme(bits, group, sym, dataType, acts.path("num_bits").asInt(4),
                    acts.path("group_size").asInt(group), acts.path("symmetric").asBoolean(true),
                    "nv_fp4_with_static_gs", true, null, null);
        } else if ("fp".equals(dataType) && acts.isObject()) {
            s = fp8WithActivations(bits, group, sym, blockRows, acts, where);
        } else if ("int-quantized".equals(format)) {
            s = int8WithActivations(bits, group, sym, acts, where);
        } else {
            s = new QuantScheme(bits, group, sym, dataType, 16, group, true, "float", true, null, null, blockRows);
        }
        PackedLayout layout = switch (dataType) {
            case "int" -> "int-quantized".equals(format) ? IntQuantizedLayout.INSTANCE : PackQuantizedLayout.INSTANCE;
            case "fp" -> Fp8Layout.reader("llm_compressor");
            default -> FpLayouts.forScheme("llm_compressor", s);
        };
        JsonNode ignore = qc.path("ignore");
        return new FormatRules("llm_compressor:" + format, s, layout, layer -> {
            for (JsonNode i : ignore) {
                String p = i.asText();
                boolean hit = p.startsWith("re:") ? Pattern.compile(p.substring(3)).matcher(layer).matches() : p.equals(layer);
                if (hit) {
                    return FULL_PRECISION;
                }
            }
            return s;
        });
    }

    /**
     * float-quantized with FP8 input activations: static per tensor (FP8_STATIC, {@code input_scale} per layer) or
     * dynamic per group (FP8_BLOCK's 128); other activation strategies are refused by name.
     */
    private static QuantScheme fp8WithActivations(int bits, int group, boolean sym, int blockRows, JsonNode acts,
            String where) {
        String strategy = acts.path("strategy").asText();
        boolean dynamic = acts.path("dynamic").asBoolean(false);
        int actBits = acts.path("num_bits").asInt(8);
        boolean actSym = acts.path("symmetric").asBoolean(true);
        if ("tensor".equals(strategy) && !dynamic) {
            return new QuantScheme(bits, group, sym, "fp", actBits, 0, actSym, "fp", false, null, null, blockRows);
        }
        if ("group".equals(strategy) && dynamic && acts.path("group_size").asInt(0) > 0) {
            return new QuantScheme(bits, group, sym, "fp", actBits, acts.path("group_size").asInt(), actSym, "fp", true,
                    null, null, blockRows);
        }
        throw new CheckpointFormatException(where + ": float-quantized with " + (dynamic ? "dynamic" : "static") + " '"
                + strategy + "' input activations is not supported (static tensor: FP8_STATIC; dynamic group: FP8_BLOCK)");
    }

    /** int-quantized: INT8 weights with dynamic per-token int activations (W8A8), or weight-only. */
    private static QuantScheme int8WithActivations(int bits, int group, boolean sym, JsonNode acts, String where) {
        if (!acts.isObject()) {
            return new QuantScheme(bits, group, sym, "int", 16, group, true, "float", true, null, null);
        }
        String strategy = acts.path("strategy").asText();
        if (!acts.path("dynamic").asBoolean(false) || !("token".equals(strategy) || "channel".equals(strategy))) {
            throw new CheckpointFormatException(where + ": int-quantized with '" + strategy + "' "
                    + (acts.path("dynamic").asBoolean(false) ? "dynamic" : "static") + " input activations is not"
                    + " supported (dynamic per-token only)");
        }
        return new QuantScheme(bits, group, sym, "int", acts.path("num_bits").asInt(8), -1,
                acts.path("symmetric").asBoolean(true), "int", true, null, null);
    }

    /** Exact name first, then regex keys searched like the reference's {@code re.search}. */
    private static JsonNode match(JsonNode extra, String layer) {
        if (extra.has(layer)) {
            return extra.get(layer);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                if (Pattern.compile(e.getKey()).matcher(layer).find()) {
                    return e.getValue();
                }
            } catch (java.util.regex.PatternSyntaxException ignored) {
                // a plain layer name that is not a valid regex only matches exactly
            }
        }
        return null;
    }

    /** A scheme from a config dict, missing keys taken from {@code base} (or the reference defaults). */
    static QuantScheme scheme(JsonNode d, QuantScheme base) {
        int bits = d.path("bits").asInt(base == null ? 4 : base.bits());
        if (bits >= 16) {
            return FULL_PRECISION;
        }
        JsonNode gs = d.path("group_size");
        int blockRows = gs.isArray() && gs.size() == 2 ? gs.get(0).asInt() : gs.isMissingNode() && base != null
                ? base.blockRows() : 0;
        int group = gs.isArray() && gs.size() == 2 ? gs.get(1).asInt() : gs.asInt(base == null ? 128 : base.groupSize());
        boolean sym = d.path("sym").asBoolean(base == null || base.sym());
        String type = d.path("data_type").asText(base == null ? "int" : base.dataType());
        int actBits = d.path("act_bits").asInt(base == null ? 16 : base.actBits());
        int actGroup = d.path("act_group_size").asInt(base == null ? group : base.actGroupSize());
        boolean actSym = d.path("act_sym").asBoolean(base == null ? sym : base.actSym());
        String actType = d.path("act_data_type").asText(base == null ? "float" : base.actDataType());
        boolean actDynamic = d.path("act_dynamic").asBoolean(base == null || base.actDynamic());
        Integer superBits = d.has("super_bits") ? Integer.valueOf(d.get("super_bits").asInt())
                : base == null ? null : base.superBits();
        Integer superGroup = d.has("super_group_size") ? Integer.valueOf(d.get("super_group_size").asInt())
                : base == null ? null : base.superGroupSize();
        return new QuantScheme(bits, group, sym, type, actBits, actGroup, actSym, actType, actDynamic, superBits,
                superGroup, blockRows);
    }
}
