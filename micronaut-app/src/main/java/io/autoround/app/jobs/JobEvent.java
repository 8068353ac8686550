package io.autoround.app.jobs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * One server-sent progress event. {@code type} is the SSE event name: {@code state} (with the whole job),
 * {@code phase}, {@code iteration} or {@code block}.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record JobEvent(String type, String jobId, JobState state, @Nullable String phase, @Nullable Integer block,
        @Nullable Integer iteration, @Nullable Integer iters, @Nullable BlockProgress blockDone,
        @Nullable Integer blocksTotal, @Nullable JobView job) {

    public static JobEvent snapshot(JobView v) {
        return new JobEvent("state", v.id(), v.state(), v.phase(), null, null, null, null, v.blocksTotal(), v);
    }
}
