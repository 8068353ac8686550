package io.autoround.engine;

import java.util.List;

/**
 * What {@link DeterministicMode} put in place for a run.
 *
 * @param deterministicAlgorithms libtorch's deterministic-algorithms flag as read back after setting it
 * @param warnOnly whether non-deterministic ops only warn (false: they throw, the reference's strict mode)
 * @param cudnnDeterministic libtorch's cuDNN deterministic flag, read back
 * @param cudnnBenchmark libtorch's cuDNN benchmark (autotuner) flag, read back
 * @param cublasWorkspaceConfig the live {@code CUBLAS_WORKSPACE_CONFIG}
 * @param mklBranch MKL's {@code MKL_CBWR} branch (2 = AUTO or higher: reproducible; 1: off; -1: no MKL)
 * @param seed the seed given to torch's generator
 * @param intraOpThreads torch's intra-op thread count (CPU reductions are split by it)
 * @param interOpThreads torch's inter-op thread count
 * @param measures one human-readable line per measure, as logged
 */
public record DeterminismSettings(boolean deterministicAlgorithms, boolean warnOnly, boolean cudnnDeterministic,
        boolean cudnnBenchmark, String cublasWorkspaceConfig, int mklBranch, long seed, int intraOpThreads, int interOpThreads,
        List<String> measures) {

    public DeterminismSettings {
        measures = List.copyOf(measures);
    }
}
