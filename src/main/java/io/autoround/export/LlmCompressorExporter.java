package io.autoround.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;

/**
 * The {@code llm_compressor} (compressed-tensors) format (reference-spec 3.6): INT weight-only as
 * {@code pack-quantized}, MXFP4/MXFP8/NVFP4 with the shared fp tensors, weight-only FP8 (FPW8A16) as
 * {@code float-quantized} (F8_E4M3 weight + per-tensor scale); one config group for the global scheme
 * (per-layer schemes other than "kept at 16 bits" are refused), 16-bit layers listed in {@code ignore}.
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
        if (g.actBits() < 16 && "int".equals(g.dataType())) {
            throw SchemeChecks.unsupported(name(), "*", "activation-quantized int schemes (W" + g.bits() + "A"
                    + g.actBits() + ") are not supported");
        }
    }

    @Override
    PackedLayout layoutFor(ExportPlan plan, QuantScheme s) {
        return switch (s.dataType()) {
            case "int" -> PackQuantizedLayout.INSTANCE;
            case "fp" -> Fp8Layout.forModel(name(), plan.sourceModelDir(), true);
            default -> FpLayouts.forScheme(name(), s);
        };
    }

    /** The compressed-tensors format name of a scheme. */
    static String formatName(QuantScheme s) {
        return switch (s.dataType()) {
            case "int" -> "pack-quantized";
            case "mx_fp" -> s.bits() == 4 ? "mxfp4-pack-quantized" : "mxfp8-quantized";
            case "nv_fp" -> "nvfp4-pack-quantized";
            case "fp" -> "float-quantized";
            default -> throw new UnsupportedSchemeException("llm_compressor cannot store data_type '" + s.dataType() + "'");
        };
    }

    private static ObjectNode args(int bits, String type, boolean sym, Integer groupSize, String strategy,
            boolean dynamic) {
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
        w.putNull("block_structure");
        w.put("dynamic", dynamic);
        w.putNull("actorder");
        w.put("observer", dynamic ? null : "minmax");
        w.putObject("observer_kwargs");
        return w;
    }

    @Override
    ObjectNode quantizationConfig(ExportPlan plan) {
        QuantScheme s = plan.scheme();
        String format = formatName(s);
        boolean isInt = "int".equals(s.dataType());
        ObjectNode group = PythonJson.MAPPER.createObjectNode();
        group.putArray("targets").add("Linear");
        // compressed-tensors presets: NVFP4 uses a per-tensor global scale on top of the groups ("tensor_group")
        String strategy = "nv_fp".equals(s.dataType()) ? "tensor_group"
                : s.groupSize() > 0 ? "group" : s.groupSize() == 0 ? "tensor" : "channel";
        group.set("weights", args(s.bits(), isInt ? "int" : "float", s.sym(),
                s.groupSize() > 0 ? s.groupSize() : null, strategy, false));
        if (s.actBits() < 16) {
            group.set("input_activations", args(s.actBits(), "float", s.actSym(), s.actGroupSize(),
                    "nv_fp".equals(s.dataType()) ? "tensor_group" : "group", true));
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
