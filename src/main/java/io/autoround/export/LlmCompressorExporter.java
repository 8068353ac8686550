package io.autoround.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;

/**
 * The {@code llm_compressor} (compressed-tensors) format (reference-spec 3.6): INT weight-only as
 * {@code pack-quantized}, MXFP4/MXFP8/NVFP4 with the shared fp tensors, FP8 (FPW8A16, FP8_STATIC with its static
 * {@code input_scale}, FP8_BLOCK with 128x128 block scales) as {@code float-quantized}, dynamic INT8 W8A8 as
 * {@code int-quantized}; one config group for the
 * global scheme (per-layer schemes other than "kept at 16 bits" are refused), 16-bit layers listed in {@code ignore}.
 */
public final class LlmCompressorExporter extends PackedExporter {

    @Override
    public String name() {
        return "llm_compressor";
    }

    @Override
    void validatePlan(ExportPlan plan) {
        SchemeChecks.requireUniformSchemes(name(), plan, "mixed-precision config groups are not supported");
        QuantScheme g = plan.scheme();
        if (g.actBits() < 16 && "int".equals(g.dataType()) && !isDynamicW8A8(g)) {
            throw SchemeChecks.unsupported(name(), "*", "activation-quantized int schemes other than dynamic symmetric"
                    + " W8A8 (INT8: 8-bit per-channel weights, 8-bit per-token activations) are not supported, got W"
                    + g.bits() + "A" + g.actBits() + " group_size " + g.groupSize() + " act_group_size "
                    + g.actGroupSize() + (g.actDynamic() ? "" : " static"));
        }
    }

    /** The reference's {@code is_dynamic_wint8aint8} as compressed-tensors stores it ({@code int-quantized}). */
    static boolean isDynamicW8A8(QuantScheme s) {
        return "int".equals(s.dataType()) && s.bits() == 8 && s.sym() && s.groupSize() == -1 && s.actBits() == 8
                && "int".equals(s.actDataType()) && s.actDynamic() && s.actSym() && s.actGroupSize() == -1;
    }

    @Override
    PackedLayout layoutFor(ExportPlan plan, QuantScheme s) {
        return switch (s.dataType()) {
            case "int" -> isDynamicW8A8(s) ? IntQuantizedLayout.INSTANCE : PackQuantizedLayout.INSTANCE;
            case "fp" -> Fp8Layout.forModel(name(), plan.sourceModelDir(), true);
            default -> FpLayouts.forScheme(name(), s);
        };
    }

    /** The compressed-tensors format name of a scheme. */
    static String formatName(QuantScheme s) {
        return switch (s.dataType()) {
            case "int" -> isDynamicW8A8(s) ? "int-quantized" : "pack-quantized";
            case "mx_fp" -> s.bits() == 4 ? "mxfp4-pack-quantized" : "mxfp8-quantized";
            case "nv_fp" -> "nvfp4-pack-quantized";
            case "fp" -> "float-quantized";
            default -> throw new UnsupportedSchemeException("llm_compressor cannot store data_type '" + s.dataType() + "'");
        };
    }

    /**
     * compressed-tensors {@code QuantizationArgs} as serialised: {@code dynamic} is {@code false}, {@code true} or
     * {@code "local"} (NVFP4's activations: a dynamic per-group scale under a static global one); dynamic
     * activations have no observer, the others {@code "minmax"}.
     */
    private static ObjectNode args(int bits, String type, boolean sym, Integer groupSize, String strategy,
            int[] blockStructure, Object dynamic) {
        ObjectNode w = PythonJson.MAPPER.createObjectNode();
        w.put("num_bits", bits);
        w.put("type", type);
        w.put("symmetric", sym);
        if (groupSize == null) {
            w.putNull("group_size");
        } else {
            w.put("group_size", groupSize);
        }
        w.put("strategy", strategy);
        if (blockStructure == null) {
            w.putNull("block_structure");
        } else {
            ArrayNode b = w.putArray("block_structure");
            for (int v : blockStructure) {
                b.add(v);
            }
        }
        SerializedConfig.put(w, "dynamic", dynamic);
        w.putNull("actorder");
        w.put("observer", Boolean.TRUE.equals(dynamic) ? null : "minmax");
        w.putObject("observer_kwargs");
        return w;
    }

    /** The compressed-tensors strategy of a weight group size ({@code _get_scheme_strategy}). */
    static String weightStrategy(QuantScheme s) {
        if ("nv_fp".equals(s.dataType())) {
            return "tensor_group"; // the NVFP4 preset: per-tensor global scale on top of the groups
        }
        if (s.blocks2d()) {
            return "block";
        }
        return s.groupSize() > 0 ? "group" : s.groupSize() == 0 ? "tensor" : "channel";
    }

    /**
     * The input_activations args: NVFP4's preset (tensor_group, dynamic "local", not {@code true}: the reference
     * writes compressed-tensors' NVFP4 preset), FP8_STATIC's static per-tensor scale, FP8_BLOCK's dynamic groups
     * of 128, MX's dynamic groups.
     */
    private static ObjectNode activationArgs(QuantScheme s) {
        if ("nv_fp".equals(s.dataType())) {
            return args(s.actBits(), "float", s.actSym(), s.actGroupSize(), "tensor_group", null, "local");
        }
        if (isDynamicW8A8(s)) {
            // compressed-tensors' INT8_W8A8 preset: dynamic per-token activations
            return args(s.actBits(), "int", s.actSym(), null, "token", null, true);
        }
        if ("fp".equals(s.dataType())) {
            boolean tensor = s.actGroupSize() == 0;
            return args(s.actBits(), "float", s.actSym(), tensor ? null : s.actGroupSize(), tensor ? "tensor" : "group",
                    null, s.actDynamic());
        }
        return args(s.actBits(), "float", s.actSym(), s.actGroupSize(), "group", null, true);
    }

    @Override
    ObjectNode quantizationConfig(ExportPlan plan) {
        QuantScheme s = plan.scheme();
        String format = formatName(s);
        boolean isInt = "int".equals(s.dataType());
        ObjectNode group = PythonJson.MAPPER.createObjectNode();
        group.putArray("targets").add("Linear");
        String strategy = weightStrategy(s);
        group.set("weights", args(s.bits(), isInt ? "int" : "float", s.sym(),
                s.groupSize() > 0 && !s.blocks2d() ? s.groupSize() : null, strategy,
                s.blocks2d() ? new int[] {s.blockRows(), s.groupSize()} : null, false));
        if (s.actBits() < 16) {
            group.set("input_activations", activationArgs(s));
        } else {
            group.putNull("input_activations");
        }
        group.putNull("output_activations");
        group.put("format", format);
        ObjectNode qc = PythonJson.MAPPER.createObjectNode();
        qc.putObject("config_groups").set("group_0", group);
        qc.put("format", format);
        qc.putNull("global_compression_ratio");
        ArrayNode ignore = qc.putArray("ignore");
        plan.layerSchemes().forEach((layer, ls) -> {
            if (ls.keepsFullPrecision()) {
                ignore.add(layer);
            }
        });
        qc.putNull("kv_cache_scheme");
        qc.put("quant_method", "compressed-tensors");
        qc.put("quantization_status", "compressed");
        qc.put("provider", "auto-round");
        return qc;
    }

    @Override
    ConfigJsonStyle configStyle(ExportPlan plan) {
        return plan.scheme().actBits() <= 8 ? new ConfigJsonStyle.TransformersWithDtype("bfloat16")
                : new ConfigJsonStyle.Transformers();
    }
}
