package io.autoround.api;

import ai.djl.Device;
import io.autoround.export.QuantizedCheckpoint;
import io.autoround.export.QuantizedCheckpointReader;
import io.autoround.infer.DequantizedTensorSource;
import io.autoround.infer.gguf.GgufModelFile;
import io.autoround.infer.gguf.GgufModelLoader;
import io.autoround.model.config.ModelConfig;
import io.autoround.model.files.ModelFiles;
import io.autoround.model.files.ModelRoot;
import io.autoround.model.nn.DecoderModel;
import java.nio.file.Path;

/**
 * Loads a model folder for evaluation or generation: an fp checkpoint as is, a quantized checkpoint (any format
 * this project reads) or a GGUF file dequantized once to fp32.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /** True when the folder's config.json declares a quantization_config. */
    public static boolean isQuantized(Path dir) {
        ModelRoot root = ModelRoot.of(dir);
        if (ModelFiles.isRegularFile(root.file("quantization_config.json"))) {
            return true;
        }
        Path config = root.file(ModelConfig.FILE);
        if (!ModelFiles.isRegularFile(config)) {
            throw new IllegalArgumentException(dir + " is not a model folder: it has no " + ModelConfig.FILE);
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ModelFiles.readAllBytes(config))
                    .has("quantization_config");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + config + ": " + e.getMessage(), e);
        }
    }

    public static DecoderModel load(Path dir) {
        return load(dir, Device.cpu());
    }

    /** Loads a folder or a GGUF file (see {@link GgufModelFile#find}; GGUF tensors are dequantized to fp32). */
    public static DecoderModel load(Path dir, Device device) {
        java.util.Optional<Path> gguf = GgufModelFile.find(dir);
        if (gguf.isPresent()) {
            return GgufModelLoader.load(gguf.get(), device);
        }
        if (!isQuantized(dir)) {
            return DecoderModel.load(dir, device);
        }
        ModelConfig config = ModelConfig.load(dir);
        QuantizedCheckpoint ckpt = QuantizedCheckpointReader.read(dir);
        try (DequantizedTensorSource source = new DequantizedTensorSource(ckpt)) {
            return DecoderModel.load(config, source, device);
        }
    }
}
