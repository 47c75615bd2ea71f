package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

/**
 * A backend's reference to a submitted task. Ergon stores it, so it must survive a restart of
 * Ergon: {@code ref} is a string the backend can resolve again (e.g. a Job name).
 *
 * @param taskId Ergon's task id
 * @param backend the backend provider's name
 * @param ref the backend's own reference
 */
public record TaskHandle(String taskId, String backend, String ref) {
    public TaskHandle {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(ref, "ref is null");
    }
}
