/**
 * Process-wide switches of the libtorch engine that DJL does not expose: the determinism flags of
 * {@code at::Context} ({@link io.autoround.engine.TorchGlobalContext}), the live native environment
 * ({@link io.autoround.engine.NativeEnvironment}) and the {@code enable_deterministic_algorithms} run mode built on
 * them ({@link io.autoround.engine.DeterministicMode}).
 */
package io.autoround.engine;
