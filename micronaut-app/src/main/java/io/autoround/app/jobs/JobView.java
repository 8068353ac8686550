package io.autoround.app.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it and as the journal stores it.
 *
 * @param id job id
 * @param state life-cycle state
 * @param phase current phase of a running job (calibration, quantize, export)
 * @param options the submitted options, as sent
 * @param createdAt submission time (ISO-8601)
 * @param startedAt start time, null while queued
 * @param finishedAt end time, null until terminal
 * @param algorithm RTN, OPT_RTN or SIGN_ROUND once known
 * @param currentBlock block being tuned (running jobs)
 * @param iteration last finished tuning iteration of the current block
 * @param iters iterations per block
 * @param blocksDone finished blocks, with losses and timings
 * @param blocksTotal blocks (or RTN layer groups) in the run, once known
 * @param outputs checkpoint folders, relative to the job's output folder
 * @param error why the job failed or was cancelled
 * @param seconds wall time of the finished run
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record JobView(String id, JobState state, @Nullable String phase, Map<String, Object> options, String createdAt,
        @Nullable String startedAt, @Nullable String finishedAt, @Nullable String algorithm, @Nullable Integer currentBlock,
        @Nullable Integer iteration, @Nullable Integer iters, List<BlockProgress> blocksDone, @Nullable Integer blocksTotal,
        List<String> outputs, @Nullable String error, @Nullable Double seconds) {

    /** Records written with empty collections omitted still read back as empty collections. */
    public JobView {
        options = options == null ? Map.of() : options;
        blocksDone = blocksDone == null ? List.of() : blocksDone;
        outputs = outputs == null ? List.of() : outputs;
    }
}
