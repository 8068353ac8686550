package io.autoround.app.jobs;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Fan-out of live job events to the SSE subscribers of each job, with a replay of the job's phase and block
 * events so far: a subscriber that connects after a fast job has moved on (or ended) still sees every block.
 * Histories are kept for the most recent {@value #JOBS_KEPT} jobs, at most {@value #EVENTS_KEPT} events each.
 */
@Singleton
public class JobEvents {
    static final int JOBS_KEPT = 256;
    static final int EVENTS_KEPT = 10_000;
    private final Object lock = new Object();
    private final Map<String, List<Consumer<JobEvent>>> subscribers = new LinkedHashMap<>();
    private final Map<String, List<JobEvent>> history = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<JobEvent>> eldest) {
            return size() > JOBS_KEPT;
        }
    };

    /**
     * Sends {@code sink} the job's state now, the phase and block events so far, and then live events; a job that
     * has already ended gets its final state again and no subscription. Returns the handle for {@link #unsubscribe}.
     */
    public Consumer<JobEvent> follow(String jobId, Consumer<JobEvent> sink, Supplier<JobView> now) {
        synchronized (lock) { // no live event can slip between the replay and the subscription
            JobView v = now.get();
            sink.accept(JobEvent.snapshot(v));
            history.getOrDefault(jobId, List.of()).forEach(sink);
            if (v.state().terminal()) {
                sink.accept(JobEvent.snapshot(v));
            } else {
                subscribers.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(sink);
            }
            return sink;
        }
    }

    public void unsubscribe(String jobId, Consumer<JobEvent> sink) {
        synchronized (lock) {
            subscribers.computeIfPresent(jobId, (k, l) -> {
                l.remove(sink);
                return l.isEmpty() ? null : l;
            });
        }
    }

    public void publish(JobEvent e) {
        synchronized (lock) {
            if (e.type().equals("phase") || e.type().equals("block")) {
                List<JobEvent> h = history.computeIfAbsent(e.jobId(), k -> new ArrayList<>());
                if (h.size() < EVENTS_KEPT) {
                    h.add(e);
                }
            }
            List<Consumer<JobEvent>> l = subscribers.get(e.jobId());
            if (l != null) {
                l.forEach(s -> s.accept(e));
            }
        }
    }
}
