package io.autoround.app.infer;

import io.autoround.api.DemoAssets;
import io.autoround.app.files.ModelPaths;
import io.autoround.app.jobs.Job;
import io.autoround.app.jobs.JobService;
import io.autoround.app.jobs.JobState;
import io.autoround.app.jobs.JobStore;
import io.autoround.app.jobs.JobView;
import io.autoround.app.web.ApiException;
import io.autoround.app.web.JsonFields;
import io.autoround.model.hub.ModelLocator;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * The model folder an inference request names: {@code job_id} (with an optional {@code output}, one of the job's
 * outputs), or {@code model} (folder under the models root, hub id, or absent for the embedded demo model).
 */
@Singleton
public class ModelTarget {
    private final ModelPaths paths;
    private final JobService jobs;
    private final JobStore store;

    public ModelTarget(ModelPaths paths, JobService jobs, JobStore store) {
        this.paths = paths;
        this.jobs = jobs;
        this.store = store;
    }

    public Path resolve(JsonFields f) {
        String model = f.string("model", null, 4096);
        String jobId = f.string("job_id", null, 200);
        String output = f.string("output", null, 4096);
        f.check();
        if (model != null && jobId != null) {
            throw ApiException.badField("model", "give either model or job_id, not both");
        }
        if (jobId != null) {
            return jobOutput(jobId, output);
        }
        if (output != null) {
            throw ApiException.badField("output", "output only applies together with job_id");
        }
        String m = paths.model("model", model);
        if (m == null) {
            return DemoAssets.model();
        }
        if (m.startsWith("/")) {
            return Path.of(m);
        }
        try {
            return ModelLocator.fromSystem().resolve(m);
        } catch (RuntimeException e) {
            throw ApiException.badField("model", e.getMessage());
        }
    }

    private Path jobOutput(String jobId, String output) {
        Job job = store.get(jobId);
        if (job == null) {
            throw ApiException.notFound("no job with id '" + jobId + "'");
        }
        JobView v = job.view();
        if (v.state() != JobState.SUCCEEDED) {
            throw new ApiException(HttpStatus.CONFLICT, "job " + jobId + " is " + v.state().name().toLowerCase()
                    + "; only a succeeded job has a model to run");
        }
        String chosen = output == null ? v.outputs().get(0) : output;
        if (!v.outputs().contains(chosen)) {
            throw ApiException.badField("output", "job " + jobId + " has no output '" + output + "' (outputs: " + v.outputs() + ")");
        }
        Path dir = store.jobDir(jobId).resolve(chosen);
        ModelPaths.confined("job_id", jobId, store.outputRoot(), dir);
        return dir;
    }
}
