package io.autoround.export.gguf;

import io.autoround.export.CheckpointSink;
import io.autoround.export.ExportPlan;
import io.autoround.export.Exporter;
import io.autoround.export.UnsupportedSchemeException;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.quant.QuantScheme;

/**
 * The {@code gguf:q4_0|q4_1|q5_0|q5_1|q8_0|q4_k_s|q4_k_m|q5_k_s|q5_k_m|q6_k} formats: one GGUF v3 file {@code <output folder>/<model>-<TYPE>.gguf} with
 * llama.cpp's metadata, vocabulary and tensor names (reference-spec 3.7). The model name is the output folder's
 * name without its {@code -gguf} suffix.
 */
public final class GgufExporter implements Exporter {
    private final GgufFileType type;

    public GgufExporter(GgufFileType type) {
        this.type = type;
    }

    @Override
    public String name() {
        return type.format();
    }

    /** The file type this exporter writes. */
    public GgufFileType fileType() {
        return type;
    }

    @Override
    public void validate(ExportPlan plan) {
        ModelConfig config = ModelConfig.load(plan.sourceModelDir());
        GgufArchitecture.of(config);
        if (plan.quantizedLayers().isEmpty()) {
            throw new UnsupportedSchemeException(name() + ": the plan quantizes no layer");
        }
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(plan.sourceModelDir())) {
            for (String layer : plan.quantizedLayers()) {
                if (layer.equals("lm_head")) {
                    throw new UnsupportedSchemeException(name() + ": lm_head is written as GGUF "
                            + type.outputType() + " by the exporter; do not quantize it with the scheme (quant_lm_head)");
                }
                QuantScheme s = plan.schemeOf(layer);
                GgmlType t = GgufLayerPacker.typeOf(s);
                if (t == null) {
                    throw new UnsupportedSchemeException(name() + ": layer '" + layer + "' has scheme bits "
                            + s.bits() + " group " + s.groupSize() + " sym " + s.sym() + " " + s.dataType()
                            + ", which no GGUF tensor type stores (" + name() + " uses the " + type.preset()
                            + " scheme and its per-tensor recipe)");
                }
                TensorInfo w = source.find(layer + ".weight").orElseThrow(() -> new UnsupportedSchemeException(
                        name() + ": layer '" + layer + "' has no weight in " + plan.sourceModelDir()));
                if (w.shape().length != 2 || w.shape()[1] % t.blockSize() != 0) {
                    throw new UnsupportedSchemeException(name() + ": layer '" + layer + "' has " + (w.shape().length
                            == 2 ? w.shape()[1] + " input channels, not a multiple of " + t.blockSize() + " (" + t + ")"
                            : "a weight that is not 2-D"));
                }
            }
        }
    }

    @Override
    public CheckpointSink open(ExportPlan plan) {
        validate(plan);
        ModelConfig config = ModelConfig.load(plan.sourceModelDir());
        return new GgufCheckpointSink(plan, type, GgufArchitecture.of(config), config, modelName(plan));
    }

    /** The output folder's name without the {@code -gguf} suffix quantize_and_save appends. */
    static String modelName(ExportPlan plan) {
        String n = plan.outputDir().toAbsolutePath().normalize().getFileName().toString();
        return n.endsWith("-gguf") && n.length() > 5 ? n.substring(0, n.length() - 5) : n;
    }

}
