package io.autoround.app.web;

import io.autoround.app.jobs.Job;
import io.autoround.app.jobs.JobEvent;
import io.autoround.app.jobs.JobEvents;
import io.autoround.app.jobs.JobRunner;
import io.autoround.app.jobs.JobService;
import io.autoround.app.jobs.JobView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** Quantization jobs: submit, list, inspect, cancel, follow live (server-sent events), read the log. */
@Controller("/v1/jobs")
@ExecuteOn(TaskExecutors.BLOCKING)
public class JobController {
    private final JobService jobs;
    private final JobEvents events;
    private final JobRunner runner;

    public JobController(JobService jobs, JobEvents events, JobRunner runner) {
        this.jobs = jobs;
        this.events = events;
        this.runner = runner;
    }

    /**
     * Submits a job. The body is a JSON object with the CLI's options in snake_case (model, scheme, iters,
     * nsamples, seqlen, dataset, layer_config, formats, recipe, ...; {@code auto_scheme: {"avg_bits": 3,
     * "options": "W2A16,W4A16"}} for a mixed-precision search). Answers 202 with the queued job.
     */
    @Post(consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<JobView> submit(@Body String body) {
        Job job = jobs.submit(body);
        return HttpResponse.accepted(URI.create("/v1/jobs/" + job.id())).body(job.view());
    }

    /** Every job, oldest first. */
    @Get
    public List<JobView> list() {
        return jobs.all().stream().map(Job::view).toList();
    }

    /** One job: state, per-block progress and losses, timings, outputs or the error. */
    @Get("/{id}")
    public JobView get(String id) {
        return jobs.get(id).view();
    }

    /** Cancels a queued or running job; a running job stops at its next step and leaves no output. */
    @Delete("/{id}")
    public HttpResponse<JobView> cancel(String id) {
        return HttpResponse.accepted().body(jobs.cancel(id).view());
    }

    /**
     * Live progress as server-sent events: first a {@code state} event with the whole job, then {@code phase},
     * {@code iteration} and {@code block} events, and a final {@code state} event when the job ends. The phase and
     * block events that happened before the connection are replayed after the first {@code state} event.
     */
    @Get(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<JobEvent>> follow(String id) {
        Job job = jobs.get(id);
        return Flux.create(sink -> {
            boolean[] first = {true};
            Consumer<JobEvent> handle = e -> {
                sink.next(Event.of(e).name(e.type()));
                // the opening state event of an ended job is followed by its replayed events and a final state
                if (!first[0] && e.type().equals("state") && e.state().terminal()) {
                    sink.complete();
                }
                first[0] = false;
            };
            sink.onDispose(() -> events.unsubscribe(id, handle));
            events.follow(id, handle, job::view);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    /** The job's log (what the CLI would print), as plain text. */
    @Get(value = "/{id}/log", produces = MediaType.TEXT_PLAIN)
    public String log(String id) throws IOException {
        jobs.get(id);
        Path log = runner.logFile(id);
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
