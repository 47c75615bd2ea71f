package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A snapshot of a submitted task in its backend.
 *
 * @param phase where the task is
 * @param executors one entry per executor that has started, in order
 * @param systemLogs lines about what happened around the executors (why it failed, what was
 *     ignored); never secrets
 */
public record Observation(Phase phase, List<ExecutorResult> executors, List<String> systemLogs) {
    public Observation {
        requireNonNull(phase, "phase is null");
        executors = List.copyOf(requireNonNull(executors, "executors is null"));
        systemLogs = List.copyOf(requireNonNull(systemLogs, "systemLogs is null"));
    }

    /** An observation of a task the backend does not know. */
    public static Observation unknown(String why) {
        return new Observation(Phase.UNKNOWN, List.of(), List.of(why));
    }
}
