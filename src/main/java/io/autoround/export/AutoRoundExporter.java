package io.autoround.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;

/**
 * The default {@code auto_round} format (reference-spec 3.2): the packing follows the scheme (symmetric int ->
 * {@code auto_round:auto_gptq}; asymmetric 4-bit -> {@code auto_round:auto_awq}; other asymmetric int -> plain
 * {@code auto_round}; MX/NV fp -> {@code auto_round:llm_compressor}; weight-only FP8 -> FP8 tensors with no
 * {@code packing_format} key but {@code fmt} and {@code activation_scheme}; FP8 with 8-bit activations (FP8_STATIC,
 * FP8_BLOCK) -> the same tensors plus FP8_STATIC's {@code input_scale}, {@code packing_format
 * auto_round:fp8_static}), unless a packing is forced by the
 * format name ({@code auto_round:auto_gptq}, {@code auto_round:auto_awq}, {@code auto_round:gptqmodel}).
 */
public final class AutoRoundExporter extends PackedExporter {
    /** The packing_format of activation-quantized FP8 (FP8_STATIC, FP8_BLOCK). */
    static final String FP8_STATIC_PACKING = "auto_round:fp8_static";

    private final String name;
    private final String forcedPacking;

    /** @param forcedPacking packing_format to use regardless of the scheme, or null to choose by scheme */
    public AutoRoundExporter(String name, String forcedPacking) {
        this.name = name;
        this.forcedPacking = forcedPacking;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The packing_format this plan is written with, or null for weight-only FP8 (the reference writes no
     * packing_format key for it, reference-spec 3.2).
     */
    public String packingFormat(ExportPlan plan) {
        if (forcedPacking != null) {
            return forcedPacking;
        }
        QuantScheme s = plan.scheme();
        switch (s.dataType()) {
            case "int" -> {
                if (s.sym()) {
                    return "auto_round:auto_gptq";
                }
                boolean all4 = plan.quantizedLayers().stream()
                        .allMatch(l -> plan.schemeOf(l).bits() == 4 && "int".equals(plan.schemeOf(l).dataType()));
                return all4 ? "auto_round:auto_awq" : "auto_round";
            }
            case "mx_fp", "nv_fp" -> {
                return "auto_round:llm_compressor";
            }
            case "fp" -> {
                if (s.bits() != 8 || (s.actBits() < 16 && s.actBits() != 8)) {
                    throw new UnsupportedSchemeException(name + " cannot store FP8 with " + s.bits() + "-bit weights"
                            + " and " + s.actBits() + "-bit activations (supported: FPW8A16, FP8_STATIC, FP8_BLOCK)");
                }
                // reference-spec 3.2: auto_round:fp8_static whenever act_bits == 8 (also the dynamic FP8_BLOCK)
                return Fp8Layout.isWeightOnlyFp8(s) ? null : FP8_STATIC_PACKING;
            }
            default -> throw new UnsupportedSchemeException(name + " cannot store data_type '" + s.dataType()
                    + "' (supported: int, mx_fp, nv_fp, fp)");
        }
    }

    @Override
    PackedLayout layoutFor(ExportPlan plan, QuantScheme s) {
        String packing = packingFormat(plan);
        if (packing == null || FP8_STATIC_PACKING.equals(packing)) {
            return Fp8Layout.forModel(name, plan.sourceModelDir(), false);
        }
        return switch (packing) {
            case "auto_round:auto_gptq" -> GptqLayout.AUTO_ROUND_GPTQ;
            case "auto_round:gptqmodel" -> GptqLayout.GPTQMODEL;
            case "auto_round" -> GptqLayout.AUTO_ROUND_PLAIN;
            case "auto_round:auto_awq" -> AwqLayout.AUTO_ROUND_AWQ;
            case "auto_round:llm_compressor" -> FpLayouts.forScheme(name, s);
            default -> throw new UnsupportedSchemeException("unknown packing " + packingFormat(plan));
        };
    }

    @Override
    ObjectNode quantizationConfig(ExportPlan plan) {
        String packing = packingFormat(plan);
        ObjectNode extra = SerializedConfig.extraConfig(plan);
        String blocks = String.join(",", plan.blockNames());
        ObjectNode qc;
        if (plan.options().modelFree()) {
            QuantScheme s = plan.scheme();
            qc = PythonJson.MAPPER.createObjectNode();
            qc.put("quant_method", "auto-round");
            qc.put("packing_format", packing);
            qc.put("bits", s.bits());
            qc.put("group_size", s.groupSize());
            qc.put("sym", s.sym());
            qc.put("data_type", s.dataType());
            Object iters = plan.options().tuning().get("iters");
            if (iters != null) {
                SerializedConfig.put(qc, "iters", iters);
            }
            qc.put("model_free", true);
            qc.put("autoround_version", plan.options().autoroundVersion());
        } else {
            qc = SerializedConfig.build(plan);
            qc.remove("to_quant_block_names");
        }
        if (!blocks.isEmpty()) {
            qc.put("block_name_to_quantize", blocks);
        }
        if (!plan.options().modelFree()) {
            qc.put("quant_method", "auto-round");
            if (packing == null || FP8_STATIC_PACKING.equals(packing)) {
                // export_to_fp8.py: element format and activation scheme (weight-only FP8 has no packing_format)
                qc.put("fmt", "e4m3");
                qc.put("activation_scheme", plan.scheme().actDynamic() ? "dynamic" : "static");
            }
            if (packing != null) {
                qc.put("packing_format", packing);
            }
        }
        if (!extra.isEmpty()) {
            qc.set("extra_config", extra);
        }
        return qc;
    }

    @Override
    ConfigJsonStyle configStyle(ExportPlan plan) {
        if (plan.options().modelFree()) {
            return new ConfigJsonStyle.ModelFree();
        }
        String packing = packingFormat(plan);
        if ("auto_round:auto_awq".equals(packing)) {
            return new ConfigJsonStyle.TransformersWithDtype("float16");
        }
        // The MX/NV exporter (export_to_nvfp_mxfp) saves with dtype None: no rewrite even though act_bits <= 8
        // (the eager MXFP4/MXFP8 goldens have no torch_dtype).
        if ("auto_round:llm_compressor".equals(packing)) {
            return new ConfigJsonStyle.Transformers();
        }
        if (plan.scheme().actBits() <= 8) {
            return new ConfigJsonStyle.TransformersWithDtype("bfloat16");
        }
        return new ConfigJsonStyle.Transformers();
    }
}
