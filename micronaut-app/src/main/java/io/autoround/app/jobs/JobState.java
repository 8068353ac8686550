package io.autoround.app.jobs;

/** Life cycle of a job: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED (QUEUED may go straight to CANCELLED). */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
