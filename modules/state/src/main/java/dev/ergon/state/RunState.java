package dev.ergon.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The WES 1.1 run states and the transition table every run state change is checked against. A
 * change is applied as {@code UPDATE … WHERE id = ? AND state = ?}, so a lost race changes nothing.
 */
public enum RunState {
    UNKNOWN,
    QUEUED,
    INITIALIZING,
    RUNNING,
    PAUSED,
    COMPLETE,
    EXECUTOR_ERROR,
    SYSTEM_ERROR,
    CANCELED,
    CANCELING,
    PREEMPTED;

    private static final Set<RunState> ENDS = EnumSet.of(COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, PREEMPTED);

    private static final Map<RunState, Set<RunState>> NEXT = Map.ofEntries(
            Map.entry(UNKNOWN, EnumSet.noneOf(RunState.class)),
            Map.entry(QUEUED, union(EnumSet.of(INITIALIZING, RUNNING, CANCELING, CANCELED), ENDS)),
            Map.entry(INITIALIZING, union(EnumSet.of(RUNNING, CANCELING), ENDS)),
            Map.entry(RUNNING, union(EnumSet.of(CANCELING, PAUSED), ENDS)),
            Map.entry(PAUSED, EnumSet.of(RUNNING, CANCELING, SYSTEM_ERROR)),
            Map.entry(CANCELING, EnumSet.of(CANCELED, SYSTEM_ERROR)),
            Map.entry(COMPLETE, EnumSet.noneOf(RunState.class)),
            Map.entry(EXECUTOR_ERROR, EnumSet.noneOf(RunState.class)),
            Map.entry(SYSTEM_ERROR, EnumSet.noneOf(RunState.class)),
            Map.entry(CANCELED, EnumSet.noneOf(RunState.class)),
            Map.entry(PREEMPTED, EnumSet.noneOf(RunState.class)));

    private static Set<RunState> union(Set<RunState> a, Set<RunState> b) {
        Set<RunState> s = EnumSet.copyOf(a);
        s.addAll(b);
        return s;
    }

    /** Whether the run has ended. */
    public boolean isTerminal() {
        return switch (this) {
            case COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELED, PREEMPTED -> true;
            default -> false;
        };
    }

    /** Whether {@code this → next} is allowed. */
    public boolean canBecome(RunState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states of a run that a reconciler still drives. */
    public static Set<RunState> active() {
        return EnumSet.of(QUEUED, INITIALIZING, RUNNING, PAUSED, CANCELING);
    }
}
