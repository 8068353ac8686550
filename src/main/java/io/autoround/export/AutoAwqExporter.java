package io.autoround.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autoround.quant.QuantScheme;

/**
 * The {@code auto_awq} format (reference-spec 3.5): AWQ GEMM packing, 4-bit int only, one scheme for every
 * quantized layer (AWQ cannot express mixed bits); {@code quant_method: "awq"}; config.json dtype -> float16.
 */
public final class AutoAwqExporter extends PackedExporter {

    @Override
    public String name() {
        return "auto_awq";
    }

    @Override
    void validatePlan(ExportPlan plan) {
        SchemeChecks.requireUniformSchemes(name(), plan, "AWQ cannot express per-layer schemes (mixed bits)");
    }

    @Override
    PackedLayout layoutFor(ExportPlan plan, QuantScheme s) {
        return AwqLayout.AUTO_AWQ;
    }

    @Override
    ObjectNode quantizationConfig(ExportPlan plan) {
        ObjectNode qc = SerializedConfig.build(plan);
        qc.put("provider", "auto-round");
        qc.put("quant_method", "awq");
        qc.put("zero_point", !plan.scheme().sym());
        qc.put("version", "gemm");
        ArrayNode skip = qc.putArray("modules_to_not_convert");
        plan.layerSchemes().forEach((layer, s) -> {
            if (s.keepsFullPrecision()) {
                skip.add(layer);
            }
        });
        return qc;
    }

    @Override
    ConfigJsonStyle configStyle(ExportPlan plan) {
        return new ConfigJsonStyle.TransformersWithDtype("float16");
    }
}
