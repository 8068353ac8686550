package io.autoround.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference's serialised compressor keys (reference-spec 3.1: {@code SerializedCompressorConfig} order, then
 * {@code filter_quantization_config}), shared by every regular-flow quantization_config, and the scheme dicts
 * used in {@code extra_config}.
 */
final class SerializedConfig {
    /** Candidate keys in the reference's order (scheme keys are filled from the scheme). */
    private static final List<String> ORDER = List.of("bits", "act_bits", "data_type", "act_data_type", "group_size",
            "act_group_size", "sym", "act_sym", "act_dynamic", "amp", "batch_size", "enable_minmax_tuning",
            "enable_norm_bias_tuning", "enable_quanted_input", "gradient_accumulate_steps", "iters", "lr",
            "low_gpu_mem_usage", "minmax_lr", "nsamples", "quant_block_list", "regex_config", "scale_dtype", "seqlen",
            "supported_types", "static_attention_dtype", "static_kv_dtype", "static_attention_granularity",
            "static_kv_granularity", "super_bits", "super_group_size", "to_quant_block_names", "rotation_configs");

    private static final Map<String, Object> DEFAULTS = Map.of("amp", true, "batch_size", 8,
            "enable_minmax_tuning", true, "enable_norm_bias_tuning", false, "enable_quanted_input", true,
            "gradient_accumulate_steps", 1, "iters", 200, "low_gpu_mem_usage", false, "nsamples", 128,
            "seqlen", 2048);

    private SerializedConfig() {}

    /** The filtered serialised keys plus {@code autoround_version}, in the reference's order. */
    static ObjectNode build(ExportPlan plan) {
        QuantScheme s = plan.scheme();
        Map<String, Object> tuning = plan.options().tuning();
        ObjectNode out = PythonJson.MAPPER.createObjectNode();
        boolean actQuantized = s.actBits() < 16;
        for (String key : ORDER) {
            Object v = switch (key) {
                case "bits" -> s.bits();
                case "data_type" -> s.dataType();
                case "group_size" -> groupSizeValue(s);
                case "sym" -> s.sym();
                case "act_bits" -> actQuantized ? s.actBits() : null;
                case "act_data_type" -> actQuantized ? s.actDataType() : null;
                case "act_group_size" -> actQuantized ? s.actGroupSize() : null;
                case "act_sym" -> actQuantized ? s.actSym() : null;
                case "act_dynamic" -> actQuantized ? s.actDynamic() : null;
                case "super_bits" -> s.superBits();
                case "super_group_size" -> s.superGroupSize();
                case "static_attention_granularity", "static_kv_granularity" -> tuning.getOrDefault(key, "tensor");
                case "to_quant_block_names" -> plan.blockNames().isEmpty() ? null : String.join(",", plan.blockNames());
                case "supported_types", "quant_block_list", "rotation_configs" -> null;
                default -> tuning.get(key);
            };
            if (v != null && !isDefault(key, v, tuning)) {
                put(out, key, v);
            }
        }
        put(out, "autoround_version", plan.options().autoroundVersion());
        return out;
    }

    private static boolean isDefault(String key, Object v, Map<String, Object> tuning) {
        if (key.equals("lr") || key.equals("minmax_lr")) {
            Object iters = tuning.get("iters");
            int it = iters instanceof Number n ? n.intValue() : 200;
            double def = it == 0 ? 5e-3 : 1.0 / it;
            return v instanceof Number n && n.doubleValue() == def;
        }
        if (key.equals("scale_dtype")) {
            return "torch.float16".equals(v);
        }
        return Objects.equals(DEFAULTS.get(key), v);
    }

    /** Puts a Java value (String, Boolean, Integer, Long, Double, List of those, Map) into a JSON object. */
    /** group_size as the reference serialises it: an int, or the list {@code [rows, cols]} of 2-D blocks. */
    static Object groupSizeValue(QuantScheme s) {
        return s.blocks2d() ? List.of(s.blockRows(), s.groupSize()) : (Object) s.groupSize();
    }

    static void put(ObjectNode node, String key, Object v) {
        node.set(key, PythonJson.MAPPER.valueToTree(v));
    }

    /** The full scheme dict ({@code bits, group_size, sym, data_type}, act and super keys when used). */
    static ObjectNode schemeDict(QuantScheme s) {
        ObjectNode o = PythonJson.MAPPER.createObjectNode();
        if (s.keepsFullPrecision()) {
            o.put("bits", s.bits());
            o.put("data_type", "float");
            return o;
        }
        o.put("bits", s.bits());
        put(o, "group_size", groupSizeValue(s));
        o.put("sym", s.sym());
        o.put("data_type", s.dataType());
        if (s.actBits() < 16) {
            o.put("act_bits", s.actBits());
            o.put("act_group_size", s.actGroupSize());
            o.put("act_sym", s.actSym());
            o.put("act_data_type", s.actDataType());
            o.put("act_dynamic", s.actDynamic());
        }
        if (s.superBits() != null) {
            o.put("super_bits", s.superBits());
        }
        if (s.superGroupSize() != null) {
            o.put("super_group_size", s.superGroupSize());
        }
        return o;
    }

    /**
     * The dict the reference writes for a quantized layer outside the blocks (e.g. a quantized lm_head):
     * {@code bits, data_type, group_size, sym, act_bits, act_data_type, act_group_size, act_sym}.
     */
    static ObjectNode outsideBlockDict(QuantScheme s) {
        ObjectNode o = PythonJson.MAPPER.createObjectNode();
        o.put("bits", s.bits());
        o.put("data_type", s.dataType());
        put(o, "group_size", groupSizeValue(s));
        o.put("sym", s.sym());
        o.put("act_bits", s.actBits());
        o.put("act_data_type", s.actDataType());
        o.put("act_group_size", s.actGroupSize());
        o.put("act_sym", s.actSym());
        return o;
    }

    /** The keys of {@code layer}'s scheme dict that differ from the global one. */
    static ObjectNode diff(QuantScheme global, QuantScheme layer) {
        if (layer.keepsFullPrecision()) {
            return schemeDict(layer);
        }
        ObjectNode mine = schemeDict(layer);
        ObjectNode base = schemeDict(global);
        ObjectNode out = PythonJson.MAPPER.createObjectNode();
        mine.properties().forEach(e -> {
            if (!e.getValue().equals(base.get(e.getKey()))) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /**
     * The auto_round {@code extra_config}: quantized layers outside blocks get {@link #outsideBlockDict}, layers
     * inside blocks the keys that differ from the global scheme (the reference's order of these is a Python set's); 16-bit layers are listed when inside a block, or always on the model-free path.
     */
    static ObjectNode extraConfig(ExportPlan plan) {
        ObjectNode extra = PythonJson.MAPPER.createObjectNode();
        boolean modelFree = plan.options().modelFree();
        plan.layerSchemes().forEach((layer, s) -> {
            boolean inBlock = plan.inBlock(layer);
            if (s.keepsFullPrecision()) {
                if (inBlock || modelFree) {
                    extra.set(layer, schemeDict(s));
                }
            } else if (!inBlock) {
                extra.set(layer, outsideBlockDict(s));
            } else {
                ObjectNode d = diff(plan.scheme(), s);
                if (!d.isEmpty()) {
                    extra.set(layer, d);
                }
            }
        });
        return extra;
    }

    /** The reference's {@code to_standard_regex} of an exact layer name: {@code .*<escaped>.*}. */
    static String layerRegex(String layer) {
        return ".*" + layer.replace(".", "\\.") + ".*";
    }
}
