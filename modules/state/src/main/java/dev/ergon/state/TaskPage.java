package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of tasks.
 *
 * @param tasks the tasks, newest first; executors loaded when the query asked for them
 * @param nextBeforeSeq the position of the next page, when there is one
 */
public record TaskPage(List<TaskEntity> tasks, OptionalLong nextBeforeSeq) {
    public TaskPage {
        tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
        requireNonNull(nextBeforeSeq, "nextBeforeSeq is null");
    }
}
