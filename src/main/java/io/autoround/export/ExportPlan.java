package io.autoround.export;

import io.autoround.quant.QuantScheme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything an exporter needs besides the tensors: where the source model and the output are, the global scheme,
 * and the per-layer decisions for every quantizable Linear (layers kept at 16 bits, such as an unquantized
 * {@code lm_head}, map to a scheme with {@code bits >= 16}).
 *
 * @param sourceModelDir the unquantized model folder (config.json, tokenizer/generation files, weights)
 * @param outputDir final output folder (written via a temporary sibling and renamed at the end)
 * @param scheme the global scheme
 * @param layerSchemes layer name -> scheme, in model order
 * @param options export options
 */
public record ExportPlan(Path sourceModelDir, Path outputDir, QuantScheme scheme, Map<String, QuantScheme> layerSchemes,
        ExportOptions options) {

    public ExportPlan {
        Objects.requireNonNull(sourceModelDir, "sourceModelDir");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(scheme, "scheme");
        layerSchemes = new LinkedHashMap<>(layerSchemes);
        options = options == null ? ExportOptions.defaults() : options;
    }

    /** Names of the layers that are quantized (bits < 16), in model order. */
    public List<String> quantizedLayers() {
        List<String> out = new ArrayList<>();
        layerSchemes.forEach((name, s) -> {
            if (!s.keepsFullPrecision()) {
                out.add(name);
            }
        });
        return out;
    }

    /** The scheme of a layer, or null when the plan does not list it. */
    public QuantScheme schemeOf(String layer) {
        return layerSchemes.get(layer);
    }

    /**
     * Block prefixes: the configured ones, else the path before the first numeric component of each quantized
     * layer (e.g. {@code model.layers}), as the reference derives {@code block_name_to_quantize}.
     */
    public List<String> blockNames() {
        if (options.blockNames() != null) {
            return options.blockNames();
        }
        Set<String> prefixes = new LinkedHashSet<>();
        for (String layer : quantizedLayers()) {
            String[] parts = layer.split("\\.");
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isEmpty() && parts[i].chars().allMatch(Character::isDigit)) {
                    prefixes.add(String.join(".", java.util.Arrays.copyOf(parts, i)));
                    break;
                }
            }
        }
        return List.copyOf(prefixes);
    }

    /** True when {@code layer} lies inside one of the quantized blocks. */
    public boolean inBlock(String layer) {
        for (String b : blockNames()) {
            if (layer.startsWith(b + ".")) {
                return true;
            }
        }
        return false;
    }
}
