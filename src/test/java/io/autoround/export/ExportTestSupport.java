package io.autoround.export;

import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Shared fixtures of the export tests. */
final class ExportTestSupport {
    static final QuantScheme FULL = new QuantScheme(16, 128, true, "float", 16, 128, true, "float", true, null, null);

    private ExportTestSupport() {}

    static Path source() {
        return SharedData.golden("formats/source-qwen3");
    }

    /** Every 2-D non-embedding weight of the source model as a layer: quantized ones get {@code scheme}. */
    static Map<String, QuantScheme> layerSchemes(Path sourceDir, Set<String> quantized, QuantScheme scheme) {
        Map<String, QuantScheme> out = new LinkedHashMap<>();
        try (SafetensorsCheckpoint src = SafetensorsCheckpoint.open(sourceDir)) {
            for (TensorInfo t : src.tensors()) {
                if (t.name().endsWith(".weight") && t.shape().length == 2 && !t.name().contains("embed")) {
                    String layer = t.name().substring(0, t.name().length() - ".weight".length());
                    out.put(layer, quantized.contains(layer) ? scheme : FULL);
                }
            }
        }
        return out;
    }
}
