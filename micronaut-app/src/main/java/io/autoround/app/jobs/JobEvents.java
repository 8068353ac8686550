package io.autoround.app.jobs;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Fan-out of live job events to the SSE subscribers of each job. */
@Singleton
public class JobEvents {
    private final Map<String, List<Consumer<JobEvent>>> subscribers = new ConcurrentHashMap<>();

    /** Registers {@code sink} for the job's events; returns the handle to pass to {@link #unsubscribe}. */
    public Consumer<JobEvent> subscribe(String jobId, Consumer<JobEvent> sink) {
        subscribers.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(sink);
        return sink;
    }

    public void unsubscribe(String jobId, Consumer<JobEvent> sink) {
        subscribers.computeIfPresent(jobId, (k, l) -> {
            l.remove(sink);
            return l.isEmpty() ? null : l;
        });
    }

    public void publish(JobEvent e) {
        List<Consumer<JobEvent>> l = subscribers.get(e.jobId());
        if (l != null) {
            l.forEach(s -> s.accept(e));
        }
    }
}
