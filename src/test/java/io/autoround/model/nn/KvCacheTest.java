package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.testutil.SharedData;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Incremental decoding with the cache gives the same logits as recomputing the whole sequence. */
class KvCacheTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "qwen3_moe"})
    void cachedStepsEqualFullForward(String arch) {
        long[] ids = {3, 141, 59, 26, 5, 358, 97, 9, 323, 84};
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/" + arch));
                NDManager m = NDManager.newBaseManager("PyTorch");
                KvCache cache = model.newCache()) {
            float[] full = model.logits(m.create(ids, new Shape(1, ids.length)), null).toFloatArray();
            int vocab = model.config().vocabSize();
            // a 4-token prefix, then one token at a time
            NDArray first = model.logits(m.create(Arrays.copyOf(ids, 4), new Shape(1, 4)), null, cache);
            assertArrayEquals(Arrays.copyOf(full, 4 * vocab), first.toFloatArray(), 1e-5f);
            for (int t = 4; t < ids.length; t++) {
                float[] step = model.logits(m.create(new long[] {ids[t]}, new Shape(1, 1)), null, cache).toFloatArray();
                assertArrayEquals(Arrays.copyOfRange(full, t * vocab, (t + 1) * vocab), step, 1e-5f, "position " + t);
                assertEquals(t + 1, cache.length());
            }
        }
    }
}
