package io.autoround.model.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.config.ModelConfig;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Layer enumeration against the tensors actually stored in each golden checkpoint. */
class ArchitectureTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "mistral", "qwen3_moe", "mixtral"})
    void enumeratedLayersCoverTheCheckpointExactly(String type) {
        Path dir = SharedData.golden("parity/" + type);
        Architecture arch = ArchitectureRegistry.forConfig(ModelConfig.load(dir));
        Set<String> expected = new HashSet<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            for (TensorInfo t : ckpt.tensors()) {
                expected.add(t.name() + java.util.Arrays.toString(t.shape()));
            }
        }
        Set<String> named = new HashSet<>();
        for (int b = 0; b < arch.numBlocks(); b++) {
            for (LinearSpec l : arch.linearsOfBlock(b)) {
                named.add(l.weightName() + "[" + l.outFeatures() + ", " + l.inFeatures() + "]");
                if (l.hasBias()) {
                    named.add(l.biasName() + "[" + l.outFeatures() + "]");
                }
            }
            for (String n : arch.normsOfBlock(b)) {
                int size = n.endsWith("q_norm") || n.endsWith("k_norm") ? arch.config().headDim() : arch.config().hiddenSize();
                named.add(n + ".weight[" + size + "]");
            }
        }
        int h = arch.config().hiddenSize();
        int v = arch.config().vocabSize();
        named.add(Architecture.EMBEDDINGS + ".weight[" + v + ", " + h + "]");
        named.add(Architecture.FINAL_NORM + ".weight[" + h + "]");
        if (!arch.tiedLmHead()) {
            named.add(Architecture.LM_HEAD + ".weight[" + v + ", " + h + "]");
        }
        assertEquals(expected, named);
    }

    @Test
    void moeExecutionOrderAndRoutersNotQuantized() {
        Architecture qwen = ArchitectureRegistry.forConfig(ModelConfig.load(SharedData.golden("parity/qwen3_moe")));
        List<String> names = qwen.linearsOfBlock(1).stream().map(LinearSpec::localName).toList();
        assertEquals(List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate",
                "mlp.experts.0.gate_proj", "mlp.experts.0.up_proj", "mlp.experts.0.down_proj"), names.subList(0, 8));
        assertEquals(4 + 1 + 4 * 3, names.size());
        LinearSpec router = qwen.linearsOfBlock(1).get(4);
        assertEquals("model.layers.1.mlp.gate", router.name());
        assertFalse(router.quantizedByDefault());
        assertEquals(16, qwen.quantizableLinearsOfBlock(1).size());
        assertTrue(qwen.quantizableLinearsOfBlock(1).stream().noneMatch(l -> l.localName().equals("mlp.gate")));

        Architecture mixtral = ArchitectureRegistry.forConfig(ModelConfig.load(SharedData.golden("parity/mixtral")));
        List<String> m = mixtral.linearsOfBlock(0).stream().map(LinearSpec::localName).toList();
        assertEquals(List.of("block_sparse_moe.gate", "block_sparse_moe.experts.0.w1", "block_sparse_moe.experts.0.w3",
                "block_sparse_moe.experts.0.w2"), m.subList(4, 8));
        LinearSpec w2 = mixtral.linearsOfBlock(0).get(7);
        assertEquals(128, w2.outFeatures());
        assertEquals(384, w2.inFeatures());
    }

    @Test
    void qwen2BiasesAndUnknownType() {
        Architecture q2 = ArchitectureRegistry.forConfig(ModelConfig.load(SharedData.golden("parity/qwen2")));
        assertTrue(q2.q(0).hasBias() && q2.k(0).hasBias() && q2.v(0).hasBias());
        assertFalse(q2.o(0).hasBias());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchitectureRegistry.spec("gpt_neox"));
        assertTrue(e.getMessage().contains("gpt_neox") && e.getMessage().contains("qwen3_moe"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> q2.linearsOfBlock(2));
    }
}
