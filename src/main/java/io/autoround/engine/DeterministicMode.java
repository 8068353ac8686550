package io.autoround.engine;

import ai.djl.pytorch.jni.JniUtils;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code enable_deterministic_algorithms}: what the reference does with {@code torch.use_deterministic_algorithms(True)}
 * and {@code CUBLAS_WORKSPACE_CONFIG=:4096:8}, applied to the libtorch DJL runs. Torch's flag makes every operator
 * pick its deterministic kernel (e.g. CPU and CUDA {@code index_put_} with accumulation, the backward of the
 * gathers in the MoE forward, run serially / sort-based instead of with atomic adds) and makes an operator that
 * has none throw. cuDNN is pinned to deterministic kernels without autotuning; MKL (CPU BLAS) gets its conditional
 * numerical reproducibility mode when it has not run yet. The torch flags are process-wide;
 * {@link #close()} restores their previous values so a long-lived process (the service) is left as it was.
 */
public final class DeterministicMode implements AutoCloseable {
    /** The cuBLAS workspace setting that makes cuBLAS results reproducible (the reference's value). */
    public static final String CUBLAS_WORKSPACE_CONFIG = ":4096:8";

    private final TorchGlobalContext torch;
    private final boolean previousAlgorithms;
    private final boolean previousWarnOnly;
    private final boolean previousCudnnDeterministic;
    private final boolean previousCudnnBenchmark;
    private final DeterminismSettings settings;

    private DeterministicMode(TorchGlobalContext torch, long seed) {
        this.torch = torch;
        previousAlgorithms = torch.deterministicAlgorithms();
        previousWarnOnly = torch.deterministicAlgorithmsWarnOnly();
        previousCudnnDeterministic = torch.deterministicCuDnn();
        previousCudnnBenchmark = torch.benchmarkCuDnn();
        List<String> measures = new ArrayList<>();

        boolean setNow = NativeEnvironment.setIfAbsent("CUBLAS_WORKSPACE_CONFIG", CUBLAS_WORKSPACE_CONFIG);
        String cublas = NativeEnvironment.get("CUBLAS_WORKSPACE_CONFIG");
        measures.add("CUBLAS_WORKSPACE_CONFIG=" + cublas + (setNow ? " (set for this process)" : " (from the environment)"));

        torch.setDeterministicAlgorithms(true, false);
        measures.add("torch.use_deterministic_algorithms(True): deterministic kernels, non-deterministic ops throw");
        torch.setDeterministicCuDnn(true);
        torch.setBenchmarkCuDnn(false);
        measures.add("cuDNN deterministic=True, benchmark=False");
        JniUtils.setSeed(seed);
        measures.add("torch.manual_seed(" + seed + ")");
        int mklBranch = -1;
        if (torch.mkl().isPresent()) {
            MklReproducibility mkl = torch.mkl().get();
            boolean fixed = mkl.fixBranch();
            mklBranch = mkl.branch();
            measures.add(fixed ? "MKL conditional numerical reproducibility on (MKL_CBWR branch " + mklBranch + ")"
                    : "MKL conditional numerical reproducibility unavailable: MKL already ran in this process "
                            + "(export MKL_CBWR=AUTO before starting; the launcher does)");
        }
        int intra = JniUtils.getNumThreads();
        int inter = JniUtils.getNumInteropThreads();
        measures.add("intra-op threads " + intra + ", inter-op threads " + inter
                + " (CPU reductions are split per thread: same count, same bytes; -Dai.djl.pytorch.num_threads=N fixes it)");
        settings = new DeterminismSettings(torch.deterministicAlgorithms(), torch.deterministicAlgorithmsWarnOnly(),
                torch.deterministicCuDnn(), torch.benchmarkCuDnn(), cublas, mklBranch, seed, intra, inter, measures);
    }

    /** Applies every measure and logs each; close the result to restore torch's previous flags. */
    public static DeterministicMode enable(long seed, PrintStream log) {
        DeterministicMode mode = new DeterministicMode(TorchGlobalContext.open(), seed);
        for (String m : mode.settings.measures()) {
            log.println("deterministic: " + m);
        }
        return mode;
    }

    public DeterminismSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        torch.setDeterministicAlgorithms(previousAlgorithms, previousWarnOnly);
        torch.setDeterministicCuDnn(previousCudnnDeterministic);
        torch.setBenchmarkCuDnn(previousCudnnBenchmark);
    }
}
