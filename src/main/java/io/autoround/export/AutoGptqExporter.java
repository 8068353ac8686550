package io.autoround.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code auto_gptq} format (reference-spec 3.4): GPTQ packing with {@code g_idx}, zero point minus one, fp16
 * scales; quantization_config with {@code quant_method: "gptq"}; config.json dtype rewritten to float16.
 */
public final class AutoGptqExporter extends PackedExporter {

    @Override
    public String name() {
        return "auto_gptq";
    }

    @Override
    PackedLayout layoutFor(ExportPlan plan, QuantScheme s) {
        return GptqLayout.AUTO_GPTQ;
    }

    @Override
    ObjectNode quantizationConfig(ExportPlan plan) {
        ObjectNode qc = SerializedConfig.build(plan);
        qc.remove("to_quant_block_names");
        boolean quantizedOutside = plan.quantizedLayers().stream().anyMatch(l -> !plan.inBlock(l));
        qc.put("lm_head", quantizedOutside);
        qc.put("provider", "auto-round");
        qc.put("quant_method", "gptq");
        qc.put("desc_act", false);
        qc.put("true_sequential", false);
        qc.put("damp_percent", 0.01);
        boolean someInBlockSkipped = plan.layerSchemes().entrySet().stream()
                .anyMatch(e -> e.getValue().keepsFullPrecision() && plan.inBlock(e.getKey()));
        if (someInBlockSkipped) {
            qc.set("modules_in_block_to_quantize", modulesInBlock(plan));
        }
        ObjectNode dynamic = dynamic(plan);
        if (!dynamic.isEmpty()) {
            qc.set("dynamic", dynamic);
        }
        return qc;
    }

    /** One list of the quantized sub-module names of the blocks (relative to their block). */
    private static ArrayNode modulesInBlock(ExportPlan plan) {
        Set<String> names = new LinkedHashSet<>();
        for (String layer : plan.quantizedLayers()) {
            for (String b : plan.blockNames()) {
                if (layer.startsWith(b + ".")) {
                    String rest = layer.substring(b.length() + 1);
                    names.add(rest.substring(rest.indexOf('.') + 1));
                }
            }
        }
        ArrayNode outer = PythonJson.MAPPER.createArrayNode();
        ArrayNode inner = outer.addArray();
        names.forEach(inner::add);
        return outer;
    }

    /** GPTQModel-style per-layer overrides for layers inside blocks. */
    private static ObjectNode dynamic(ExportPlan plan) {
        ObjectNode d = PythonJson.MAPPER.createObjectNode();
        QuantScheme g = plan.scheme();
        plan.layerSchemes().forEach((layer, s) -> {
            if (!plan.inBlock(layer)) {
                return;
            }
            if (s.keepsFullPrecision()) {
                d.putObject("-:" + SerializedConfig.layerRegex(layer));
            } else if (s.bits() != g.bits() || s.groupSize() != g.groupSize() || s.sym() != g.sym()) {
                ObjectNode o = d.putObject("+:" + SerializedConfig.layerRegex(layer));
                o.put("bits", s.bits());
                o.put("group_size", s.groupSize());
                o.put("sym", s.sym());
            }
        });
        return d;
    }

    @Override
    ConfigJsonStyle configStyle(ExportPlan plan) {
        return new ConfigJsonStyle.TransformersWithDtype("float16");
    }
}
