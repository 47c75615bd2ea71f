package dev.ergon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TaskStateTest {
    @Test
    void elevenTesStates() {
        assertEquals(11, TaskState.values().length);
    }

    @Test
    void terminalStatesHaveNoWayOut() {
        for (TaskState s : TaskState.values()) {
            if (s.isTerminal()) {
                assertTrue(Arrays.stream(TaskState.values()).noneMatch(s::canBecome), s + " must be final");
            }
        }
        assertTrue(TaskState.QUEUED.canBecome(TaskState.CANCELED));
        assertTrue(TaskState.RUNNING.canBecome(TaskState.CANCELING));
        assertTrue(TaskState.CANCELING.canBecome(TaskState.CANCELED));
        assertFalse(TaskState.COMPLETE.canBecome(TaskState.RUNNING));
        assertFalse(TaskState.RUNNING.canBecome(TaskState.QUEUED));
    }
}
