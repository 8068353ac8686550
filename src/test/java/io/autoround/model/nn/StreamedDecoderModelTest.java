package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.testutil.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model opened for block streaming computes exactly what the fully loaded model does, holding one block at a time. */
class StreamedDecoderModelTest {

    private static Path dir(String name) {
        return name.contains("-") ? SharedData.model(name) : SharedData.golden("parity/" + name);
    }

    /** fp32 (stories260K, the parity models, dense and MoE) and bf16 (tiny-qwen3-12m) checkpoints. */
    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tiny-qwen3-12m", "llama", "qwen3", "qwen3_moe", "mixtral"})
    void sameLogitsAsTheFullyLoadedModelWithOneBlockHeldAtATime(String name) {
        List<BlockResidency> events = new ArrayList<>();
        try (DecoderModel full = DecoderModel.load(dir(name));
                DecoderModel streamed = DecoderModel.openStreaming(dir(name), Device.cpu(), events::add);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertTrue(streamed.streamsBlocks());
            assertFalse(full.streamsBlocks());
            assertEquals(List.of(), events, "nothing is read before it is needed");
            int vocab = full.config().vocabSize();
            long[] ids = new long[12];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 37L + 5) % vocab;
            }
            NDArray batch = m.create(ids, new Shape(2, 6));
            assertArrayEquals(full.embed(batch).toFloatArray(), streamed.embed(batch).toFloatArray(), 0f, "embeddings");
            float[] expected = full.logits(batch, null).toFloatArray();
            assertArrayEquals(expected, streamed.logits(batch, null).toFloatArray(), 0f, "logits");

            int blocks = full.numBlocks();
            assertEquals(blocks, streamed.numBlocks());
            assertEquals(2 * blocks, events.size(), events.toString());
            for (int i = 0; i < blocks; i++) {
                assertEquals(i, events.get(2 * i).block());
                assertTrue(events.get(2 * i).loaded());
                assertEquals(1, events.get(2 * i).residentBlocks(), "only block " + i + " is held while it runs");
                assertEquals(new BlockResidency(i, false, events.get(2 * i).blockBytes(), 0, 0), events.get(2 * i + 1));
            }
            assertArrayEquals(full.lmHead().originalWeight().toFloatArray(), streamed.lmHead().originalWeight().toFloatArray(), 0f);
        }
    }

    @Test
    void releasingABlockFreesItsWeightsAndEverythingMadeOnThem() {
        Path dir = SharedData.model("tiny-qwen3-12m");
        List<BlockResidency> events = new ArrayList<>();
        try (DecoderModel full = DecoderModel.load(dir);
                DecoderModel streamed = DecoderModel.openStreaming(dir, Device.cpu(), events::add)) {
            DecoderBlock b = streamed.block(2);
            assertTrue(streamed.block(2) == b, "a held block is not read again");
            LinearLayer q = b.linear("self_attn.q_proj");
            NDArray w = q.originalWeight();
            assertArrayEquals(full.block(2).linear("self_attn.q_proj").originalWeight().toFloatArray(), w.toFloatArray(), 0f);
            NDArray override = w.getManager().create(new float[384 * 384], new Shape(384, 384));
            q.setWeightOverride(override);
            assertEquals(1, events.size());
            long bytes = events.get(0).blockBytes();
            assertEquals(bytes, events.get(0).residentBytes());

            streamed.releaseBlock(2);
            assertTrue(w.isReleased(), "the block's weights are closed");
            assertTrue(override.isReleased(), "arrays made on the block's manager go with it");
            assertEquals(new BlockResidency(2, false, bytes, 0, 0), events.get(1));
            streamed.releaseBlock(2); // already released: nothing happens
            assertEquals(2, events.size());

            DecoderBlock again = streamed.block(2);
            assertTrue(again != b, "read again from the checkpoint");
            assertArrayEquals(full.block(2).linear("self_attn.q_proj").originalWeight().toFloatArray(),
                    again.linear("self_attn.q_proj").originalWeight().toFloatArray(), 0f);
        }
    }

    @Test
    void badTokenIdsAndBlockIndicesAreNamed() {
        try (DecoderModel streamed = DecoderModel.openStreaming(SharedData.model("stories260k-hf"), Device.cpu(), null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> streamed.embed(m.create(new long[] {3, 512})));
            assertEquals("token id 512 is outside the vocabulary (size 512)", e.getMessage());
            IndexOutOfBoundsException b = assertThrows(IndexOutOfBoundsException.class, () -> streamed.block(5));
            assertEquals("block 5 of a model with 5 blocks", b.getMessage());
        }
    }
}
