package dev.ergon.spi;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs tasks' executors somewhere: local processes, Kubernetes Jobs, ... Created once per process
 * by its {@link ExecutorBackendProvider}; all methods are thread-safe.
 */
public interface ExecutorBackend extends AutoCloseable {
    /** What this backend can do. */
    Set<ExecutorCapability> capabilities();

    /**
     * Starts (or queues) a task. Idempotent by {@link TaskSpec#taskId()}: a second call for a task
     * the backend already has returns the same handle and starts nothing.
     *
     * @throws ErgonException INVALID_INPUT when the task needs a capability this backend lacks;
     *     BACKEND_UNAVAILABLE when the backend cannot take work now (retryable)
     */
    TaskHandle submit(TaskSpec spec);

    /** The task's current state in the backend; {@link Phase#UNKNOWN} for a handle it does not know. */
    Observation observe(TaskHandle handle);

    /**
     * Stops the task as fast as the backend can (kills running executors). Idempotent; a no-op
     * for an ended or unknown task. After it returns, {@link #observe} reaches a terminal phase
     * promptly.
     */
    void cancel(TaskHandle handle);

    /** Frees what the backend keeps for an ended task. Idempotent. */
    void cleanup(TaskHandle handle);

    /** Registers a listener for changes (see {@link ObservationListener}). */
    default void addListener(ObservationListener listener) {}

    /**
     * Why this backend cannot run tasks right now (e.g. a missing program), if so. Ergon reports
     * it at start-up and in service-info; tasks then fail with SYSTEM_ERROR saying the same.
     */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** Facts to show in service-info, e.g. {@code {"sandbox": "bwrap 0.8.0"}}. */
    default Map<String, String> info() {
        return Map.of();
    }

    /** Releases the backend's resources; running tasks may keep running (or die with the process). */
    @Override
    void close();
}
