package io.autoround.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** TorchScript functions shipped as source: the hand-built archive loads in libtorch and computes what it says. */
class ScriptedFunctionsTest {
    private static final String AXPY = """
              def forward(self: __torch__.Axpy,
                a: Tensor,
                x: Tensor,
                y: Tensor) -> Tuple[Tensor, Tensor]:
                z = torch.add(torch.mul(a, x), y)
                _0 = torch.add_(y, 1.)
                return (torch.to(z, 5), torch.sum(z, [1], True))
            """;

    @Test
    void archiveLoadsAndRunsWithInPlaceUpdates() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {2f, 3f}, new Shape(2, 1));
            NDArray x = m.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(2, 3));
            NDArray y = m.create(new float[] {0.5f, 0.5f, 0.5f, -1f, -1f, -1f}, new Shape(2, 3));
            NDList out = ScriptedFunctions.call("Axpy", AXPY, a, x, y);
            assertEquals(2, out.size());
            assertEquals(DataType.FLOAT16, out.get(0).getDataType());
            assertArrayEquals(new float[] {2.5f, 4.5f, 6.5f, 11f, 14f, 17f}, out.get(0).toType(DataType.FLOAT32, false)
                    .toFloatArray());
            assertArrayEquals(new float[] {13.5f, 42f}, out.get(1).toFloatArray());
            assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 0f, 0f, 0f}, y.toFloatArray(), "add_ updated the input");
            assertEquals(m, out.get(0).getManager(), "outputs belong to the first input's manager");
            // a second call reuses the compiled module and sees the updated input
            assertArrayEquals(new float[] {3.5f, 5.5f, 7.5f, 12f, 15f, 18f},
                    ScriptedFunctions.call("Axpy", AXPY, a, x, y).get(0).toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    @Test
    void outputsCanBecomeAutogradLeaves() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 2f}, new Shape(1, 2));
            NDArray out = ScriptedFunctions.call("Axpy", AXPY, x, x, x.duplicate()).get(0);
            out.setRequiresGradient(true); // refused for tensors made under libtorch's inference mode
            assertTrue(out.hasGradient());
        }
    }

    @Test
    void sourceErrorsNameTheFunction() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ScriptedFunctions.call("Broken",
                    "  def forward(self: __torch__.Broken,\n    x: Tensor) -> Tensor:\n    return torch.no_such_op(x)\n", x));
            assertTrue(e.getMessage().contains("Broken"), e.getMessage());
        }
    }

    @Test
    void classNamesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> TorchScriptArchive.of("not a name", ""));
    }
}
