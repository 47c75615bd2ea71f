package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import dev.ergon.spi.Observation;
import dev.ergon.spi.TaskHandle;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this Ergon process remembers about one task: hints that make observing cheaper and more
 * precise, never the truth (that is the Job). A restarted process starts without records and
 * rebuilds them from the cluster. Thread-safe: volatile fields, a concurrent log map, and the
 * terminal observation set once.
 */
final class TaskRecord {
    final String taskId;
    final String jobName;
    final String taskLabel;
    final TaskHandle handle;
    /** Lines decided at submit (e.g. why backend_parameters were ignored); empty for a record rebuilt after a restart. */
    final List<String> submitLogs;

    /** The Job as this process created or read it, used until the cluster view shows it. */
    volatile V1Job created;
    /** Whether the view (or a read) showed the Job: once seen, its absence means it was deleted. */
    volatile boolean seen;
    /** Whether the Job was seen unsuspended or with a Pod: suspended after that means preempted. */
    volatile boolean admitted;
    /** The last Pod seen, to tell what happened when the Pod disappears. */
    volatile V1Pod lastPod;
    /** Whether this process deleted the Job (cancel or cleanup). */
    volatile boolean deleted;
    /** The last non-terminal observation, reported while the API cannot be reached. */
    volatile Observation last;
    /** Log tails by {@code <pod uid>/<container>}, fetched once, when each container has ended. */
    final ConcurrentMap<String, CompletableFuture<LogTail>> logs = new ConcurrentHashMap<>();

    private final AtomicReference<Observation> terminal = new AtomicReference<>();

    TaskRecord(String taskId, TaskHandle handle, List<String> submitLogs) {
        this.taskId = requireNonNull(taskId, "taskId is null");
        this.jobName = JobNames.jobName(taskId);
        this.taskLabel = JobNames.taskIdLabel(taskId);
        this.handle = requireNonNull(handle, "handle is null");
        this.submitLogs = List.copyOf(submitLogs);
    }

    /** The terminal observation, once there is one; it never changes afterwards. */
    Observation terminal() {
        return terminal.get();
    }

    /** Records {@code o} as the terminal observation unless one was recorded first; returns the one that holds. */
    Observation end(Observation o) {
        terminal.compareAndSet(null, o);
        return terminal.get();
    }
}
