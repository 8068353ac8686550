package io.autoround.app.jobs;

import io.autoround.api.QuantizeOptions;
import io.autoround.api.RunPlan;
import io.autoround.app.ServiceConfig;
import io.autoround.app.web.ApiException;
import io.autoround.app.web.FieldError;
import io.autoround.model.config.ModelConfig;
import io.autoround.quant.QuantScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes of a job checked against the model it names and the service's limits, before the job is queued: the
 * per-field ranges alone let a request ask for more memory than the host has (calibration tokens, batch tokens,
 * groups wider than every layer), and some values only make sense against the model's shapes.
 */
final class JobLimits {
    private JobLimits() {}

    /** Throws a 400 listing every size that is too large for this model or this service. */
    static void check(QuantizeOptions o, RunPlan plan, ServiceConfig limits) {
        List<FieldError> errors = new ArrayList<>();
        ModelConfig c = plan.config();
        int positions = c.maxPositionEmbeddings();
        if (o.seqlen != null && positions > 0 && o.seqlen > positions) {
            errors.add(new FieldError("seqlen", "seqlen " + o.seqlen + " exceeds the model's max_position_embeddings "
                    + positions + " (allowed: 2 to " + positions + ")"));
        }
        int seqlen = positions > 0 ? Math.min(o.seqlenOrDefault(), positions) : o.seqlenOrDefault();
        if (plan.needsCalibration()) {
            long tokens = (long) o.nsamplesOrDefault() * seqlen;
            if (tokens > limits.getMaxCalibrationTokens()) {
                errors.add(new FieldError("nsamples", "nsamples " + o.nsamplesOrDefault() + " x seqlen " + seqlen + " = "
                        + tokens + " calibration tokens, more than this service's limit of " + limits.getMaxCalibrationTokens()
                        + " (autoround.max-calibration-tokens)"));
            }
            long batch = (long) o.batchSizeOrDefault() * seqlen;
            if (batch > limits.getMaxBatchTokens()) {
                errors.add(new FieldError("batch_size", "batch_size " + o.batchSizeOrDefault() + " x seqlen " + seqlen + " = "
                        + batch + " tokens per batch, more than this service's limit of " + limits.getMaxBatchTokens()
                        + " (autoround.max-batch-tokens)"));
            }
        }
        if (o.nblocks > c.numHiddenLayers()) {
            errors.add(new FieldError("nblocks", "nblocks " + o.nblocks + " exceeds the model's " + c.numHiddenLayers()
                    + " decoder blocks (allowed: 1 to " + c.numHiddenLayers() + ")"));
        }
        int widest = widestInput(c);
        plan.layerSchemes().values().stream().mapToInt(QuantScheme::groupSize).filter(g -> g > widest).max()
                .ifPresent(g -> errors.add(new FieldError(o.groupSize != null && o.groupSize == g ? "group_size" : "layer_config",
                        "group_size " + g + " is wider than every layer of this model (widest input: " + widest
                                + "; allowed: -1, 0 or 1 to " + widest + ")")));
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
    }

    /** The largest in_features of the model's Linear layers. */
    private static int widestInput(ModelConfig c) {
        int attention = c.numAttentionHeads() * (c.headDim() > 0 ? c.headDim() : c.hiddenSize() / Math.max(1, c.numAttentionHeads()));
        return Math.max(Math.max(c.hiddenSize(), attention), Math.max(c.intermediateSize(), c.moeIntermediateSize()));
    }
}
