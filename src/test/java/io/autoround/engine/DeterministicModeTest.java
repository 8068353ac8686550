package io.autoround.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The deterministic mode really flips libtorch's process-wide flags (read back from at::Context) and restores them. */
class DeterministicModeTest {

    @Test
    void torchFlagsAreSetLoggedAndRestored() {
        TorchGlobalContext torch = TorchGlobalContext.open();
        boolean before = torch.deterministicAlgorithms();
        boolean benchmarkBefore = torch.benchmarkCuDnn();
        boolean cudnnBefore = torch.deterministicCuDnn();
        String cublasBefore = NativeEnvironment.get("CUBLAS_WORKSPACE_CONFIG");
        assertFalse(before, "libtorch starts without deterministic algorithms");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        float[] first;
        float[] second;
        DeterminismSettings s;
        try (DeterministicMode mode = DeterministicMode.enable(7, new PrintStream(log, true, StandardCharsets.UTF_8))) {
            s = mode.settings();
            assertTrue(torch.deterministicAlgorithms(), "torch.are_deterministic_algorithms_enabled()");
            assertFalse(torch.deterministicAlgorithmsWarnOnly(), "strict, as the reference's flag");
            assertTrue(torch.deterministicCuDnn());
            assertFalse(torch.benchmarkCuDnn());
            first = randoms();
        }
        try (DeterministicMode again = DeterministicMode.enable(7, new PrintStream(new ByteArrayOutputStream()))) {
            second = randoms();
        }
        assertArrayEquals(first, second, 0f, "torch's generator is reseeded with the run's seed");

        assertEquals(new DeterminismSettings(true, false, true, false,
                cublasBefore == null ? DeterministicMode.CUBLAS_WORKSPACE_CONFIG : cublasBefore,
                torch.mkl().map(MklReproducibility::branch).orElse(-1), 7, s.intraOpThreads(),
                s.interOpThreads(), s.measures()), s);
        assertTrue(s.intraOpThreads() >= 1, "thread count recorded: " + s.intraOpThreads());
        assertEquals(s.cublasWorkspaceConfig(), NativeEnvironment.get("CUBLAS_WORKSPACE_CONFIG"), "live environment");
        String text = log.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(s.measures().size(), text.lines().filter(l -> l.startsWith("deterministic: ")).count(), text);
        assertTrue(text.contains("torch.use_deterministic_algorithms(True)"), text);
        // MKL accepts its reproducibility mode only before its first computation: the log must say which case held
        assertEquals(s.mklBranch() >= MklReproducibility.AUTO, text.contains("MKL conditional numerical reproducibility on"), text);

        assertEquals(before, torch.deterministicAlgorithms(), "restored on close");
        assertEquals(benchmarkBefore, torch.benchmarkCuDnn());
        assertEquals(cudnnBefore, torch.deterministicCuDnn());
    }

    private static float[] randoms() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            return m.randomUniform(0f, 1f, new Shape(8)).toFloatArray();
        }
    }
}
