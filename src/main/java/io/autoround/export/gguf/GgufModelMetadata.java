package io.autoround.export.gguf;

import io.autoround.model.config.ModelConfig;

/**
 * The {@code general.*} and {@code <arch>.*} metadata llama.cpp's converter writes for the supported
 * architectures ({@code TextModel.set_gguf_parameters}; llama adds {@code vocab_size} and
 * {@code rope.dimension_count}). The file type is the format's {@code LlamaFileType}.
 */
public final class GgufModelMetadata {
    /** {@code general.quantization_version} written by gguf-py. */
    public static final int QUANTIZATION_VERSION = 2;

    private GgufModelMetadata() {}

    /** Adds the architecture and general keys for {@code config} to {@code w}. */
    public static void write(GgufWriter w, GgufArchitecture arch, ModelConfig c, String modelName, GgufFileType type) {
        String a = arch.ggufName();
        w.put("general.architecture", GgufValue.string(a));
        w.put("general.type", GgufValue.string("model"));
        w.put("general.name", GgufValue.string(modelName));
        w.put(a + ".block_count", GgufValue.uint32(c.numHiddenLayers()));
        if (c.maxPositionEmbeddings() > 0) {
            w.put(a + ".context_length", GgufValue.uint32(c.maxPositionEmbeddings()));
        }
        w.put(a + ".embedding_length", GgufValue.uint32(c.hiddenSize()));
        w.put(a + ".feed_forward_length", GgufValue.uint32(c.intermediateSize()));
        w.put(a + ".attention.head_count", GgufValue.uint32(c.numAttentionHeads()));
        w.put(a + ".attention.head_count_kv", GgufValue.uint32(c.numKeyValueHeads()));
        w.put(a + ".rope.freq_base", GgufValue.float32((float) c.rope().theta()));
        w.put(a + ".attention.layer_norm_rms_epsilon", GgufValue.float32((float) c.rmsNormEps()));
        int headDim = c.headDim();
        if (a.equals("qwen3") || headDim * c.numAttentionHeads() != c.hiddenSize()) {
            // The converter writes these when config.json states head_dim: Qwen3 configs always do; for the
            // others it matters only when head_dim differs from hidden_size / heads.
            w.put(a + ".attention.key_length", GgufValue.uint32(headDim));
            w.put(a + ".attention.value_length", GgufValue.uint32(headDim));
        }
        if (arch.permuteQk()) {
            w.put(a + ".vocab_size", GgufValue.uint32(c.vocabSize()));
            w.put(a + ".rope.dimension_count", GgufValue.uint32(headDim));
        }
        w.put("general.file_type", GgufValue.uint32(type.fileTypeId()));
        w.put("general.quantization_version", GgufValue.uint32(QUANTIZATION_VERSION));
    }
}
