package io.autoround.model.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.testutil.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json parsing: both transformers layouts, defaults, rope scaling and clear errors. */
class ModelConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsTransformers5LayoutWithRopeParameters() {
        ModelConfig c = ModelConfig.load(SharedData.model("tiny-qwen3-12m"));
        assertEquals("qwen3", c.modelType());
        assertEquals(384, c.hiddenSize());
        assertEquals(1024, c.intermediateSize());
        assertEquals(6, c.numHiddenLayers());
        assertEquals(6, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(64, c.headDim());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(8192, c.vocabSize());
        assertEquals(1e6, c.rope().theta());
        assertEquals("bfloat16", c.dtype());
        assertTrue(c.tieWordEmbeddings());
        assertFalse(c.attentionBias());
        assertEquals(0, c.bosTokenId());
        assertEquals(List.of(0), c.eosTokenIds());
        assertNull(c.slidingWindow());
    }

    @Test
    void readsTransformers4LayoutAndGoldenFacts() {
        ModelConfig s = ModelConfig.load(SharedData.model("stories260k-hf"));
        assertEquals(10000.0, s.rope().theta());
        assertEquals("float32", s.dtype());
        assertEquals(8, s.headDim());

        ModelConfig qwen2 = ModelConfig.load(SharedData.golden("parity/qwen2"));
        assertTrue(qwen2.attentionBias(), "qwen2 always has q/k/v biases");
        assertEquals(32, qwen2.headDim(), "head_dim defaults to hidden / heads");
        assertEquals(1e6, qwen2.rope().theta());
        assertEquals(List.of(), qwen2.eosTokenIds());

        ModelConfig moe = ModelConfig.load(SharedData.golden("parity/qwen3_moe"));
        assertEquals(4, moe.numExperts());
        assertEquals(2, moe.numExpertsPerTok());
        assertEquals(128, moe.moeIntermediateSize());
        assertTrue(moe.normTopkProb());
        assertTrue(moe.isSparseLayer(0) && moe.isSparseLayer(1));

        ModelConfig mixtral = ModelConfig.load(SharedData.golden("parity/mixtral"));
        assertEquals(384, mixtral.moeIntermediateSize());
        assertTrue(mixtral.normTopkProb(), "mixtral always renormalizes");
        assertEquals(1e-5, mixtral.rmsNormEps());
        assertEquals(1e6, mixtral.rope().theta());
    }

    @Test
    void defaultsAndEosListAndExpertCountAlias() throws IOException {
        ModelConfig c = parse("""
                {"model_type":"qwen3_moe","hidden_size":64,"num_hidden_layers":4,"num_attention_heads":4,
                 "vocab_size":100,"num_experts":8,"num_experts_per_tok":2,"moe_intermediate_size":32,
                 "intermediate_size":128,"mlp_only_layers":[0],"decoder_sparse_step":1,"eos_token_id":[5,6]}""");
        assertEquals(4, c.numKeyValueHeads(), "kv heads default to heads");
        assertEquals(16, c.headDim());
        assertEquals(8, c.numExperts());
        assertFalse(c.normTopkProb(), "qwen3_moe norm_topk_prob defaults to false");
        assertEquals(List.of(5, 6), c.eosTokenIds());
        assertFalse(c.isSparseLayer(0));
        assertTrue(c.isSparseLayer(1));
        assertEquals(10000.0, c.rope().theta());
    }

    @Test
    void llama3RopeScalingAdjustsFrequencies() throws IOException {
        ModelConfig c = parse("""
                {"model_type":"llama","hidden_size":256,"intermediate_size":512,"num_hidden_layers":1,
                 "num_attention_heads":2,"vocab_size":10,"rope_theta":500000.0,
                 "rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
                                 "original_max_position_embeddings":8192}}""");
        assertEquals(RopeScaling.LLAMA3, c.rope().type());
        float[] scaled = c.rope().inverseFrequencies(128);
        float[] plain = RopeScaling.plain(500000.0).inverseFrequencies(128);
        // high frequencies (short wavelengths) are kept, low frequencies divided by the factor, the middle blended
        assertEquals(plain[0], scaled[0]);
        assertEquals(plain[63] / 8f, scaled[63]);
        int blended = 0;
        for (int i = 0; i < 64; i++) {
            double wavelen = 2 * Math.PI / plain[i];
            if (wavelen >= 2048 && wavelen <= 8192) {
                blended++;
                assertTrue(scaled[i] < plain[i] && scaled[i] > plain[i] / 8f, "index " + i);
                // (1 - s) * f / 8 + s * f with s = (8192 / wavelen - 1) / 3
                double s = (8192 / wavelen - 1) / 3;
                assertEquals((1 - s) * plain[i] / 8 + s * plain[i], scaled[i], 1e-6 * plain[i]);
            }
        }
        assertTrue(blended > 0);
        assertArrayEquals(plain, RopeScaling.plain(500000.0).inverseFrequencies(128));
    }

    @Test
    void missingKeyNamesFileAndKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                {"model_type":"llama","hidden_size":64,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10}"""));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("intermediate_size"), e.getMessage());
    }

    @Test
    void unsupportedModelTypeListsSupported() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                {"model_type":"gpt2","hidden_size":64}"""));
        assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
        for (String t : List.of("llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe")) {
            assertTrue(e.getMessage().contains(t), e.getMessage());
        }
    }

    @Test
    void badValuesAreReported() throws IOException {
        assertTrue(assertThrows(ConfigException.class, () -> parse("{\"model_type\": \"llama\", \"hidden_size\": \"big\"}"))
                .getMessage().contains("hidden_size"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("""
                {"model_type":"llama","hidden_size":64,"intermediate_size":64,"num_hidden_layers":1,
                 "num_attention_heads":4,"vocab_size":10,"rope_scaling":{"rope_type":"yarn","factor":2}}"""))
                .getMessage().contains("yarn"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelConfig.load(tmp)).getMessage().contains("config.json"));
        Files.writeString(tmp.resolve("config.json"), "{not json");
        assertTrue(assertThrows(ConfigException.class, () -> ModelConfig.load(tmp)).getMessage().contains("not valid JSON"));
    }

    @Test
    void generationConfigIsOptional() throws IOException {
        GenerationConfig g = GenerationConfig.load(SharedData.model("stories260k-hf"));
        assertEquals(1, g.bosTokenId());
        assertEquals(List.of(2), g.eosTokenIds());
        assertEquals(GenerationConfig.defaults(), GenerationConfig.load(tmp));
    }

    private ModelConfig parse(String json) throws IOException {
        Files.writeString(tmp.resolve("config.json"), json);
        return ModelConfig.load(tmp);
    }
}
