package dev.ergon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.Event;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RunStoreIT {
    private final Database db = SharedDatabase.get();
    private final RunStore runs = new RunStore(db, Clock.systemUTC());
    private final TaskStore tasks = new TaskStore(db, Clock.systemUTC());

    static RunEntity run() {
        RunEntity r = new RunEntity();
        r.setId(UUID.randomUUID().toString());
        r.setWorkflowType("CWL");
        r.setWorkflowTypeVersion("v1.2");
        r.setWorkflowUrl("wf.cwl");
        r.setWorkflowParamsJson("{\"a\": 1}");
        r.setTagsJson("{\"k\": \"v\"}");
        r.setAdapter("cwl");
        r.setStorage("file:///tmp/run");
        return r;
    }

    @Test
    void createFindAndPageNewestFirst() {
        RunEntity a = run();
        RunEntity b = run();
        runs.create(a);
        runs.create(b);
        RunEntity back = runs.find(a.getId()).orElseThrow();
        assertEquals(RunState.QUEUED, back.getState());
        assertEquals("cwl", back.getAdapter());
        RunPage first = runs.list(1, OptionalLong.empty());
        assertEquals(b.getId(), first.runs().get(0).getId());
        RunPage second = runs.list(1, first.nextBeforeSeq());
        assertEquals(a.getId(), second.runs().get(0).getId());
    }

    @Test
    void schemaRejectsWhatWesForbids() {
        RunEntity bad = run();
        bad.setWorkflowParamsJson("[1]");
        assertThrows(PersistenceException.class, () -> runs.create(bad));
        assertTrue(runs.find(bad.getId()).isEmpty());
        RunEntity ok = run();
        runs.create(ok);
        assertThrows(
                PersistenceException.class,
                () -> db.inTransaction(em -> em.createNativeQuery("UPDATE run SET state = 'DONE' WHERE id = ?1")
                        .setParameter(1, ok.getId())
                        .executeUpdate()));
    }

    @Test
    void transitionsAreConditionalAndCancelIsIdempotent() {
        RunEntity r = run();
        runs.create(r);
        assertTrue(runs.transition(r.getId(), RunState.QUEUED, RunState.INITIALIZING, List.of("a")));
        assertFalse(runs.transition(r.getId(), RunState.QUEUED, RunState.INITIALIZING, List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> runs.transition(r.getId(), RunState.COMPLETE, RunState.RUNNING, List.of()));
        assertEquals(RunStore.CancelOutcome.CANCELING, runs.requestCancel(r.getId()));
        assertEquals(RunStore.CancelOutcome.UNCHANGED, runs.requestCancel(r.getId()));
        assertEquals(RunStore.CancelOutcome.NOT_FOUND, runs.requestCancel("nope"));
        assertTrue(runs.transition(r.getId(), RunState.CANCELING, RunState.CANCELED, List.of()));
        RunEntity end = runs.find(r.getId()).orElseThrow();
        assertTrue(end.getEndTime() != null && end.getLeaseOwner() == null);
        assertTrue(end.getSystemLogsJson().contains("cancel requested"), end.getSystemLogsJson());
    }

    @Test
    void leasesAreExclusiveUntilTheyExpire() {
        RunEntity r = run();
        runs.create(r);
        List<String> mine = runs.claim("one", 10_000, Duration.ofMinutes(1));
        assertTrue(mine.contains(r.getId()));
        assertFalse(runs.claim("two", 10_000, Duration.ofMinutes(1)).contains(r.getId()));
        assertTrue(runs.holdsLease("one", r.getId()));
        db.inTransaction(
                em -> em.createNativeQuery("UPDATE run SET lease_expires = now() - interval '1 second' WHERE id = ?1")
                        .setParameter(1, r.getId())
                        .executeUpdate());
        assertTrue(runs.claim("two", 10_000, Duration.ofMinutes(1)).contains(r.getId()));
        assertFalse(runs.holdsLease("one", r.getId()));
    }

    @Test
    void tasksOfARunAndTheirStateChangesWakeTheReconciler() throws Exception {
        RunEntity r = run();
        runs.create(r);
        TaskEntity t = TaskStoreIT.task("node-a", "{\"ergon.run-id\": \"" + r.getId() + "\"}", 1);
        tasks.create(t);
        runs.addTask(r.getId(), "a", t.getId());
        runs.addTask(r.getId(), "a", t.getId()); // idempotent
        assertEquals(List.of(new RunStore.NodeTask("a", t.getId(), TaskState.QUEUED)), runs.nodeTasks(r.getId()));
        assertEquals(Map.of(t.getId(), TaskState.QUEUED), runs.taggedTasks(r.getId()));
        List<Event> got = new CopyOnWriteArrayList<>();
        try (PostgresEventBus bus = new PostgresEventBus(db.dataSource());
                var s = bus.subscribe("run", got::add)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // The listener connects asynchronously: change the state until a notice arrives.
            TaskState from = TaskState.QUEUED;
            for (TaskState to : List.of(TaskState.INITIALIZING, TaskState.RUNNING, TaskState.COMPLETE)) {
                tasks.transition(t.getId(), from, to);
                from = to;
                long wait = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (got.isEmpty() && System.nanoTime() < wait) {
                    Thread.sleep(10);
                }
                if (!got.isEmpty()) {
                    break;
                }
            }
            assertTrue(System.nanoTime() < deadline && !got.isEmpty(), "no run event for the task's state change");
            assertEquals(r.getId(), got.get(0).id());
            assertEquals("task", got.get(0).type());
        }
        assertEquals(1L, runs.countByState().get(RunState.QUEUED) > 0 ? 1L : 0L);
    }
}
