package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.arch.LinearSpec;
import io.autoround.testutil.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block-wise API the quantizer uses: embed -> blocks -> head equals logits; overrides change the output. */
class BlockApiTest {

    @Test
    void blockwiseForwardEqualsLogitsAndOverridesApply() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/qwen3_moe"));
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            long[] ids = {5, 17, 300, 2, 99, 41, 7, 511};
            NDArray idArray = m.create(ids, new Shape(1, ids.length));
            float[] full = model.logits(idArray, null).toFloatArray();

            BlockContext ctx = model.context(m, 1, ids.length, null);
            NDArray x = model.embed(idArray);
            for (int i = 0; i < model.numBlocks(); i++) {
                x = model.block(i).forward(x, ctx);
            }
            assertArrayEquals(full, model.head(x).toFloatArray(), 1e-6f);

            // block linears match the architecture's enumeration (names, order, shapes)
            DecoderBlock block = model.block(0);
            List<LinearSpec> specs = model.architecture().linearsOfBlock(0);
            assertEquals(specs, block.linears().values().stream().map(LinearLayer::spec).toList());
            for (LinearLayer l : block.linears().values()) {
                assertEquals(new Shape(l.spec().outFeatures(), l.spec().inFeatures()), l.originalWeight().getShape());
            }

            // a zero q/k/v/o weight removes attention's contribution: output changes, and clearing restores it
            LinearLayer o = block.linear("self_attn.o_proj");
            o.setWeightOverride(m.zeros(o.originalWeight().getShape()));
            float[] changed = model.logits(idArray, null).toFloatArray();
            assertTrue(maxDiff(full, changed) > 1e-3, "override had no effect");
            o.setWeightFunction(() -> o.originalWeight().mul(1f));
            assertArrayEquals(full, model.logits(idArray, null).toFloatArray(), 1e-6f);
            block.clearOverrides();
            assertArrayEquals(full, model.logits(idArray, null).toFloatArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> o.setWeightOverride(m.zeros(new Shape(3, 3))));
            assertEquals(o.originalWeight().getShape().size(), o.weightAsFloats().length);
        }
    }

    @Test
    void paddingMaskIgnoresPaddedKeys() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/llama"));
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            long[] ids = {5, 17, 300, 2, 99};
            float[] alone = model.logits(m.create(ids, new Shape(1, 5)), null).toFloatArray();
            // right padding with garbage tokens: the real positions must not change
            long[] padded = {5, 17, 300, 2, 99, 400, 401, 402};
            long[] mask = {1, 1, 1, 1, 1, 0, 0, 0};
            float[] got = model.logits(m.create(padded, new Shape(1, 8)), m.create(mask, new Shape(1, 8))).toFloatArray();
            assertArrayEquals(alone, java.util.Arrays.copyOf(got, alone.length), 1e-5f);
        }
    }

    @Test
    void repeatedForwardsDoNotLeakArrays() {
        try (DecoderModel model = DecoderModel.load(SharedData.golden("parity/mixtral"));
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray ids = m.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            model.logits(ids, null).close();
            int before = m.getManagedArrays().size();
            int weights = model.manager().getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                model.logits(ids, null).close();
            }
            assertEquals(before, m.getManagedArrays().size());
            assertEquals(weights, model.manager().getManagedArrays().size());
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
