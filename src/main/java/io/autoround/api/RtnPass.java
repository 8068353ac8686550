package io.autoround.api;

import io.autoround.model.arch.Architecture;
import io.autoround.model.arch.LinearSpec;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.OptRtnPolicy;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Pure round-to-nearest with no calibration: streams layer by layer from the checkpoint to the sinks, so memory
 * stays near one block's weights plus the current output shard.
 */
final class RtnPass {
    private final RunPlan plan;
    private final ProgressListener listener;
    private final PrintStream log;

    private final boolean includeBlocks;

    /** @param includeBlocks false when a calibrated pass already handled the blocks (only layers outside remain) */
    RtnPass(RunPlan plan, ProgressListener listener, PrintStream log, boolean includeBlocks) {
        this.plan = plan;
        this.includeBlocks = includeBlocks;
        this.listener = listener;
        this.log = log;
    }

    List<BlockReport> run(WeightSink sink) {
        Architecture arch = plan.arch();
        List<BlockReport> reports = new ArrayList<>();
        // Without calibration, optimized RTN searches scales with uniform error weights.
        QuantOptions rtn = plan.algorithm() == Algorithm.OPT_RTN ? QuantOptions.optimizedRtn(plan.precision(), null)
                : QuantOptions.rtn(plan.precision());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(plan.modelDir())) {
            for (int b = includeBlocks ? 0 : arch.numBlocks(); b <= arch.numBlocks(); b++) {
                if (stopRequested()) {
                    throw new CancellationException("quantization cancelled");
                }
                long start = System.nanoTime();
                List<LinearSpec> specs = b < arch.numBlocks() ? arch.linearsOfBlock(b) : List.of(arch.lmHead());
                Map<String, int[]> shapes = new HashMap<>();
                List<String> names = new ArrayList<>();
                for (LinearSpec l : specs) {
                    if (plan.schemeOf(l.name()) != null) {
                        names.add(l.name());
                        shapes.put(l.name(), new int[] {l.outFeatures(), l.inFeatures()});
                    }
                }
                if (names.isEmpty()) {
                    continue;
                }
                if (b == arch.numBlocks() && !includeBlocks) {
                    log.println("quantizing " + names + " outside the blocks with round-to-nearest (no cached inputs)");
                }
                String weightOf = b < arch.numBlocks() || !arch.tiedLmHead() ? "" : Architecture.EMBEDDINGS;
                Map<String, QuantResult> results = LayerQuantizer.quantize(LayerQuantizer.jobs(names, plan,
                        n -> ckpt.readFloats((weightOf.isEmpty() ? n : weightOf) + ".weight"),
                        n -> OptRtnPolicy.routedExpertUsesPureRtn(n, plan.options().disableOptRtn)
                                ? QuantOptions.rtn(plan.precision()) : rtn, shapes));
                results.values().forEach(r -> sink.accept(r.weight()));
                String name = b < arch.numBlocks() ? arch.blockName(b) : "lm_head";
                BlockReport report = new BlockReport(b, name, names.size(), Double.NaN, Double.NaN, (System.nanoTime() - start) / 1e9);
                reports.add(report);
                listener.blockDone(report, arch.numBlocks());
            }
        }
        return reports;
    }

    /** The caller's cancel, or a SIGINT/SIGTERM taken over by the process's front door. */
    private boolean stopRequested() {
        return listener.cancelled() || SignalCancellation.requested();
    }
}
