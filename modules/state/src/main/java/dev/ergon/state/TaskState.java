package dev.ergon.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The eleven TES 1.1 task states and the one transition table every state change is checked
 * against. A change is applied as {@code UPDATE … WHERE id = ? AND state = ?}, so a lost race
 * changes nothing.
 */
public enum TaskState {
    UNKNOWN,
    QUEUED,
    INITIALIZING,
    RUNNING,
    PAUSED,
    COMPLETE,
    EXECUTOR_ERROR,
    SYSTEM_ERROR,
    CANCELED,
    PREEMPTED,
    CANCELING;

    private static final Map<TaskState, Set<TaskState>> NEXT = Map.ofEntries(
            Map.entry(UNKNOWN, EnumSet.noneOf(TaskState.class)),
            Map.entry(QUEUED, EnumSet.of(INITIALIZING, CANCELED, SYSTEM_ERROR)),
            Map.entry(
                    INITIALIZING,
                    EnumSet.of(RUNNING, COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELING, PREEMPTED, QUEUED)),
            Map.entry(RUNNING, EnumSet.of(COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELING, PREEMPTED, PAUSED)),
            Map.entry(PAUSED, EnumSet.of(RUNNING, CANCELING, SYSTEM_ERROR)),
            Map.entry(CANCELING, EnumSet.of(CANCELED, SYSTEM_ERROR)),
            Map.entry(COMPLETE, EnumSet.noneOf(TaskState.class)),
            Map.entry(EXECUTOR_ERROR, EnumSet.noneOf(TaskState.class)),
            Map.entry(SYSTEM_ERROR, EnumSet.noneOf(TaskState.class)),
            Map.entry(CANCELED, EnumSet.noneOf(TaskState.class)),
            Map.entry(PREEMPTED, EnumSet.noneOf(TaskState.class)));

    /** Whether the task has ended: nothing more happens to it. */
    public boolean isTerminal() {
        return switch (this) {
            case COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELED, PREEMPTED -> true;
            default -> false;
        };
    }

    /** Whether {@code this → next} is allowed. */
    public boolean canBecome(TaskState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states a task may be in while a controller works on it. */
    public static Set<TaskState> active() {
        return EnumSet.of(QUEUED, INITIALIZING, RUNNING, PAUSED, CANCELING);
    }
}
