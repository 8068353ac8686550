package io.autoround.cli;

import ai.djl.Device;
import io.autoround.api.SignalCancellation;
import io.autoround.infer.BackendRegistry;
import io.autoround.infer.InferenceBench;
import io.autoround.infer.NoBackendException;
import io.autoround.infer.QuantizedModel;
import io.autoround.model.nn.DecoderModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code auto-round bench}: prefill/decode tokens per second and memory per backend, beside the fp32 model. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Tokens/s for prefill and decode and resident memory of a quantized checkpoint on every backend "
                + "that can serve it (or --backend), beside its fp32 source model (--fp_model).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"--model", "--model_name"}, required = true, description = "Quantized checkpoint folder or hub id.")
    String model;

    @Option(names = "--fp_model", description = "The unquantized model to compare against (fp32 on DJL).")
    String fpModel;

    @Option(names = "--backend", defaultValue = "all", description = "all, or backend names separated by commas, run in that order (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--prompt_len", defaultValue = "128", description = "Prompt tokens for prefill (default: ${DEFAULT-VALUE}).")
    int promptLen;

    @Option(names = "--decode_tokens", defaultValue = "64", description = "Greedy decode steps (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; the best is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        checkSizes();
        List<String> names = backendNames();
        Path dir = ModelArgument.resolve(model);
        List<InferenceBench.Row> rows = new ArrayList<>();
        if (fpModel != null) {
            long before = InferenceBench.residentBytes();
            try (DecoderModel m = DecoderModel.load(ModelArgument.resolve(fpModel), Device.cpu())) {
                checkPositions(m);
                rows.add(row("fp32 model", m, linearWeightBytes(m), before));
            }
        }
        for (String name : names) {
            SignalCancellation.checkpoint(); // Ctrl-C stops between two backends' measurements
            long before = InferenceBench.residentBytes();
            try (QuantizedModel q = QuantizedModel.load(dir, Device.cpu(), name)) {
                checkPositions(q.model());
                rows.add(row(name, q.model(), q.quantizedModuleBytes(), before));
                if (rows.size() == (fpModel != null ? 2 : 1)) {
                    System.err.printf("checkpoint holds %,d bytes for its quantized layers%n", q.checkpointQuantizedBytes());
                }
            } catch (NoBackendException e) {
                System.err.println("skipping " + name + ": " + e.getMessage());
            }
        }
        System.out.printf("%-14s %16s %14s %14s %14s%n", "backend", "weight bytes", "RSS +MB", "prefill tok/s", "decode tok/s");
        for (InferenceBench.Row r : rows) {
            System.out.printf("%-14s %,16d %14.1f %14.1f %14.1f%n", r.name(), r.weightBytes(), r.rssDeltaBytes() / 1048576.0,
                    r.prefillTokensPerSecond(), r.decodeTokensPerSecond());
        }
        return 0;
    }

    private void checkSizes() {
        if (promptLen < 1) {
            throw new IllegalArgumentException("--prompt_len must be >= 1, got " + promptLen);
        }
        if (decodeTokens < 1) {
            throw new IllegalArgumentException("--decode_tokens must be >= 1, got " + decodeTokens);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        }
    }

    /** "all", or names each of which the registry knows (checked before any model is loaded). */
    private List<String> backendNames() {
        if (backend.strip().equalsIgnoreCase("all")) {
            return BackendRegistry.discover().names();
        }
        List<String> names = new ArrayList<>();
        for (String n : backend.split(",")) {
            if (n.isBlank()) {
                throw new IllegalArgumentException("--backend '" + backend + "': give all, or backend names separated by "
                        + "commas: " + String.join(", ", BackendRegistry.discover().names()));
            }
            BackendOptions.checkName("--backend", n.strip());
            names.add(n.strip());
        }
        return names;
    }

    private void checkPositions(DecoderModel m) {
        BackendOptions.checkPositions(m.config(), (long) promptLen + decodeTokens,
                "--prompt_len " + promptLen + " + --decode_tokens " + decodeTokens);
    }

    private InferenceBench.Row row(String name, DecoderModel m, long weightBytes, long rssBefore) {
        long rss = InferenceBench.residentBytes() - rssBefore;
        double[] t = InferenceBench.throughput(m, promptLen, decodeTokens, repeats);
        return new InferenceBench.Row(name, weightBytes, rss, t[0], t[1]);
    }

    /** fp32 bytes of the block Linears (what the quantized layers replace). */
    private static long linearWeightBytes(DecoderModel m) {
        long total = 0;
        for (int i = 0; i < m.numBlocks(); i++) {
            for (var l : m.block(i).linears().values()) {
                total += 4L * l.spec().outFeatures() * l.spec().inFeatures();
            }
        }
        return total;
    }
}
