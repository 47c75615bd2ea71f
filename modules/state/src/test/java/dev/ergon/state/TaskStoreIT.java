package dev.ergon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TaskStoreIT {
    private final Database db = SharedDatabase.get();
    private final TaskStore store = new TaskStore(db, Clock.systemUTC());

    static TaskEntity task(String name, String tagsJson, int executors) {
        TaskEntity t = new TaskEntity();
        t.setId(UUID.randomUUID().toString());
        t.setName(name);
        t.setTagsJson(tagsJson);
        t.setInputsJson("[{\"path\":\"/data/in\",\"content\":\"x\"}]");
        List<ExecutorEntity> es = new ArrayList<>();
        for (int i = 0; i < executors; i++) {
            ExecutorEntity e = new ExecutorEntity();
            e.setIndex(i);
            e.setImage("alpine");
            e.setCommandJson("[\"echo\",\"" + i + "\"]");
            e.setEnvJson("{\"A\":\"b\"}");
            es.add(e);
        }
        t.setExecutors(es);
        return t;
    }

    @Test
    void createAndFindRoundTrip() {
        TaskEntity t = task("round-trip", "{\"k\":\"v\"}", 2);
        store.create(t);
        TaskEntity back = store.find(t.getId(), true).orElseThrow();
        assertEquals(TaskState.QUEUED, back.getState());
        assertEquals("round-trip", back.getName());
        assertEquals(2, back.getExecutors().size());
        assertEquals("[\"echo\", \"1\"]", back.getExecutors().get(1).getCommandJson());
        assertTrue(back.getTagsJson().contains("\"k\""));
        assertTrue(back.getSeq() > 0);
        assertEquals(Optional.empty(), store.find("no-such-id", true));
    }

    @Test
    void schemaRejectsWhatTesForbids() {
        TaskEntity noCommand = task("bad", "{}", 1);
        noCommand.getExecutors().get(0).setCommandJson("[]");
        assertThrows(PersistenceException.class, () -> store.create(noCommand));
        assertTrue(store.find(noCommand.getId(), false).isEmpty(), "a rejected task left a row behind");
        assertThrows(
                PersistenceException.class,
                () -> db.inTransaction(em -> em.createNativeQuery("UPDATE task SET state = 'DONE' WHERE id IS NOT NULL")
                        .executeUpdate()));
    }

    @Test
    void transitionsAreConditional() {
        TaskEntity t = task("race", "{}", 1);
        store.create(t);
        assertTrue(store.transition(t.getId(), TaskState.QUEUED, TaskState.INITIALIZING));
        assertFalse(
                store.transition(t.getId(), TaskState.QUEUED, TaskState.INITIALIZING),
                "a lost race must change nothing");
        assertTrue(store.transition(t.getId(), TaskState.INITIALIZING, TaskState.RUNNING));
        assertThrows(
                IllegalArgumentException.class, () -> store.transition(t.getId(), TaskState.RUNNING, TaskState.QUEUED));
        assertTrue(store.transition(t.getId(), TaskState.RUNNING, TaskState.COMPLETE, List.of("done \"quoted\"")));
        TaskEntity back = store.find(t.getId(), false).orElseThrow();
        assertEquals(TaskState.COMPLETE, back.getState());
        assertTrue(back.getStartTime() != null && back.getEndTime() != null);
        assertTrue(back.getSystemLogsJson().contains("done \\\"quoted\\\""), back.getSystemLogsJson());
    }

    @Test
    void keysetPagesVisitEveryTaskOnce() {
        String prefix = "page-" + UUID.randomUUID() + "-";
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            TaskEntity t = task(prefix + i, "{}", 1);
            store.create(t);
            created.add(t.getId());
        }
        Set<String> seen = new HashSet<>();
        OptionalLong before = OptionalLong.empty();
        int pages = 0;
        long lastSeq = Long.MAX_VALUE;
        do {
            TaskPage p = store.list(new TaskQuery(Optional.of(prefix), Optional.empty(), List.of(), 10, before), true);
            for (TaskEntity t : p.tasks()) {
                assertTrue(seen.add(t.getId()), "task listed twice");
                assertTrue(t.getSeq() < lastSeq, "not newest first");
                lastSeq = t.getSeq();
                assertEquals(1, t.getExecutors().size());
            }
            before = p.nextBeforeSeq();
            pages++;
        } while (before.isPresent());
        assertEquals(created, seen);
        assertEquals(3, pages);
    }

    @Test
    void filtersByStateNameAndTags() {
        String prefix = "filter-" + UUID.randomUUID() + "-";
        TaskEntity a = task(prefix + "a", "{\"project\":\"x\",\"owner\":\"ann\"}", 1);
        TaskEntity b = task(prefix + "b", "{\"project\":\"y\"}", 1);
        TaskEntity c = task("other_" + prefix, "{\"project\":\"x\"}", 1);
        store.create(a);
        store.create(b);
        store.create(c);
        store.transition(b.getId(), TaskState.QUEUED, TaskState.CANCELED);
        assertEquals(
                List.of(b.getId(), a.getId()),
                ids(new TaskQuery(Optional.of(prefix), Optional.empty(), List.of(), 10, OptionalLong.empty())));
        assertEquals(
                List.of(a.getId()),
                ids(new TaskQuery(
                        Optional.of(prefix), Optional.of(TaskState.QUEUED), List.of(), 10, OptionalLong.empty())));
        assertEquals(
                List.of(a.getId()),
                ids(new TaskQuery(
                        Optional.of(prefix),
                        Optional.empty(),
                        List.of(new TaskQuery.TagFilter("project", Optional.of("x"))),
                        10,
                        OptionalLong.empty())));
        assertEquals(
                List.of(a.getId()),
                ids(new TaskQuery(
                        Optional.of(prefix),
                        Optional.empty(),
                        List.of(new TaskQuery.TagFilter("owner", Optional.empty())),
                        10,
                        OptionalLong.empty())));
        // LIKE wildcards in the prefix are literal
        assertEquals(
                List.of(),
                ids(new TaskQuery(Optional.of("filter%"), Optional.empty(), List.of(), 10, OptionalLong.empty())));
    }

    @Test
    void tagFilteredPagesAreKeysetToo() {
        String batch = UUID.randomUUID().toString();
        Set<String> even = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            TaskEntity t = task(
                    "tagpage", "{\"batch\":\"" + batch + "\",\"parity\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}", 1);
            store.create(t);
            if (i % 2 == 0) {
                even.add(t.getId());
            }
        }
        Set<String> seen = new HashSet<>();
        OptionalLong before = OptionalLong.empty();
        List<TaskQuery.TagFilter> filters = List.of(
                new TaskQuery.TagFilter("batch", Optional.of(batch)),
                new TaskQuery.TagFilter("parity", Optional.of("even")));
        do {
            TaskPage p = store.list(new TaskQuery(Optional.empty(), Optional.empty(), filters, 4, before), false);
            p.tasks().forEach(t -> assertTrue(seen.add(t.getId())));
            before = p.nextBeforeSeq();
        } while (before.isPresent());
        assertEquals(even, seen);
        // key-only first filter
        assertEquals(
                30,
                ids(new TaskQuery(
                                Optional.of("tagpage"),
                                Optional.empty(),
                                List.of(
                                        new TaskQuery.TagFilter("batch", Optional.of(batch)),
                                        new TaskQuery.TagFilter("parity", Optional.empty())),
                                100,
                                OptionalLong.empty()))
                        .size());
    }

    private List<String> ids(TaskQuery q) {
        return store.list(q, false).tasks().stream().map(TaskEntity::getId).toList();
    }

    @Test
    void twoControllersClaimDisjointWork() throws Exception {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TaskEntity t = task("claim", "{}", 1);
            store.create(t);
            mine.add(t.getId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<List<String>> claimer = () -> {
                String owner = "c-" + UUID.randomUUID();
                List<String> got = new ArrayList<>();
                List<String> batch;
                do {
                    batch = store.claimQueued(owner, 3, Duration.ofMinutes(1));
                    got.addAll(batch);
                } while (!batch.isEmpty());
                return got;
            };
            Future<List<String>> f1 = pool.submit(claimer);
            Future<List<String>> f2 = pool.submit(claimer);
            List<String> one = f1.get();
            List<String> two = f2.get();
            Set<String> both = new HashSet<>(one);
            for (String id : two) {
                assertTrue(both.add(id), "task " + id + " claimed by both controllers");
            }
            assertTrue(both.containsAll(mine), "some tasks were never claimed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expiredLeasesAreClaimedAgainAndSubmitIsRecordedOnce() {
        TaskEntity t = task("lease", "{}", 1);
        store.create(t);
        // claim everything queued so this task is leased by "dead"
        while (!store.claimQueued("dead-" + t.getId(), 100, Duration.ofMillis(1))
                .isEmpty()) {}
        assertTrue(store.transition(t.getId(), TaskState.QUEUED, TaskState.INITIALIZING));
        assertTrue(store.markSubmitted(t.getId(), "dead-" + t.getId(), "local", t.getId()));
        assertFalse(store.markSubmitted(t.getId(), "dead-" + t.getId(), "local", t.getId()), "submitted twice");
        List<TaskEntity> reclaimed = new ArrayList<>();
        for (int i = 0; i < 50 && reclaimed.stream().noneMatch(x -> x.getId().equals(t.getId())); i++) {
            reclaimed.addAll(store.claimExpired("alive", 1000, Duration.ofMinutes(1)));
        }
        TaskEntity back = reclaimed.stream()
                .filter(x -> x.getId().equals(t.getId()))
                .findFirst()
                .orElseThrow();
        assertEquals("alive", back.getLeaseOwner());
        assertTrue(back.getSubmittedAt() != null, "after a crash Ergon must see the task was submitted");
        assertEquals(1, store.renewLeases("alive", List.of(t.getId()), Duration.ofMinutes(2)));
        assertEquals(0, store.renewLeases("dead-" + t.getId(), List.of(t.getId()), Duration.ofMinutes(2)));
    }

    @Test
    void cancelOutcomes() {
        TaskEntity queued = task("cancel-q", "{}", 1);
        TaskEntity running = task("cancel-r", "{}", 1);
        store.create(queued);
        store.create(running);
        store.transition(running.getId(), TaskState.QUEUED, TaskState.INITIALIZING);
        store.transition(running.getId(), TaskState.INITIALIZING, TaskState.RUNNING);
        assertEquals(TaskStore.CancelOutcome.CANCELED, store.requestCancel(queued.getId()));
        assertEquals(TaskStore.CancelOutcome.CANCELING, store.requestCancel(running.getId()));
        assertEquals(TaskStore.CancelOutcome.UNCHANGED, store.requestCancel(running.getId()));
        assertEquals(TaskStore.CancelOutcome.NOT_FOUND, store.requestCancel("nope"));
    }

    @Test
    void executorLogsAndOutputLogs() {
        TaskEntity t = task("logs", "{}", 2);
        store.create(t);
        store.recordExecutor(
                t.getId(),
                1,
                Optional.of(java.time.Instant.now()),
                Optional.of(java.time.Instant.now()),
                OptionalInt.of(3),
                "out\u0000put",
                "err");
        store.setOutputLogs(t.getId(), "[{\"url\":\"file:///x\",\"path\":\"/x\",\"size_bytes\":\"3\"}]");
        TaskEntity back = store.find(t.getId(), true).orElseThrow();
        assertEquals(3, back.getExecutors().get(1).getExitCode());
        assertEquals("output", back.getExecutors().get(1).getStdoutTail());
        assertTrue(back.getOutputLogsJson().contains("size_bytes"));
        assertTrue(store.countByState().getOrDefault(TaskState.QUEUED, 0L) >= 1);
    }
}
