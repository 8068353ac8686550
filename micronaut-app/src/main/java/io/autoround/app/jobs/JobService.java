package io.autoround.app.jobs;

import io.autoround.api.AutoRound;
import io.autoround.api.DeviceMap;
import io.autoround.api.QuantizeOptions;
import io.autoround.api.RunPlan;
import io.autoround.app.ServiceConfig;
import io.autoround.app.web.ApiException;
import io.autoround.app.web.FieldError;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

/** Submission (with up-front validation of every option, the model and the output folder) and cancellation. */
@Singleton
public class JobService {
    private final JobStore store;
    private final JobRunner runner;
    private final JobRequestParser parser;
    private final JobEvents events;
    private final ServiceConfig config;

    public JobService(JobStore store, JobRunner runner, JobRequestParser parser, JobEvents events, ServiceConfig config) {
        this.config = config;
        this.store = store;
        this.runner = runner;
        this.parser = parser;
        this.events = events;
    }

    /** Validates the body as the core would run it, then queues a job. */
    public Job submit(String body) {
        QuantizeOptions o = parser.parse(body);
        String id = JobStore.newId();
        o.outputDir = store.jobDir(id).toString();
        RunPlan plan;
        try {
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            plan = new AutoRound(o, quiet).plan();
            if (!"0".equals(o.deviceMap)) { // the default "0" falls back to the CPU; anything named must exist
                DeviceMap.resolve(o.deviceMap, quiet);
            }
        } catch (RuntimeException e) {
            if (!InputErrors.isBadInput(e)) {
                throw e;
            }
            throw ApiException.badRequest(List.of(new FieldError("options", InputErrors.message(e))));
        }
        JobLimits.check(o, plan, config);
        if (!runner.hasRoom()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the job queue is full; retry later");
        }
        Job job = store.create(id, parser.toMap(body));
        runner.enqueue(job);
        return job;
    }

    public Job get(String id) {
        Job job = store.get(id);
        if (job == null) {
            throw ApiException.notFound("no job with id '" + id + "'");
        }
        return job;
    }

    public List<Job> all() {
        return store.all();
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop at its next step (its output folder is then
     * removed); a finished job cannot be cancelled (409).
     */
    public Job cancel(String id) {
        Job job = get(id);
        if (job.state().terminal()) {
            throw new ApiException(HttpStatus.CONFLICT, "job " + id + " is already " + job.state().name().toLowerCase()
                    + " and cannot be cancelled");
        }
        if (job.requestCancel()) {
            store.persist(job);
            events.publish(JobEvent.snapshot(job.view()));
        }
        return job;
    }
}
