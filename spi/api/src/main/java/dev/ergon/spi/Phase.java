package dev.ergon.spi;

/** Where a submitted task is, as its backend sees it. */
public enum Phase {
    /** Accepted, waiting for capacity. */
    QUEUED,
    /** Being prepared (e.g. pulling images, staging inside the backend). */
    INITIALIZING,
    /** An executor is running. */
    RUNNING,
    /** All executors ended and none failed (outside {@code ignore_error}). */
    COMPLETE,
    /** An executor exited non-zero; later executors did not run. */
    EXECUTOR_ERROR,
    /** The backend failed around the executors (could not start, lost the task, ...). */
    SYSTEM_ERROR,
    /** Cancelled through {@link ExecutorBackend#cancel}. */
    CANCELED,
    /** The backend's capacity was taken away (eviction, preemption). */
    PREEMPTED,
    /** The backend does not know this handle (e.g. lost across a restart of a local backend). */
    UNKNOWN;

    /** Whether nothing more will happen to the task in the backend. */
    public boolean isTerminal() {
        return switch (this) {
            case COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELED, PREEMPTED, UNKNOWN -> true;
            default -> false;
        };
    }
}
