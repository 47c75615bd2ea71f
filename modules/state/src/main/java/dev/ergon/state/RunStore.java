package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import jakarta.persistence.Query;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every read and write of WES runs and their tasks. Like {@link TaskStore}: each state change is
 * one conditional {@code UPDATE … WHERE id = ? AND state = ?} checked against {@link RunState}'s
 * table, and run reconcilers claim runs with leases ({@code FOR UPDATE SKIP LOCKED}), so any number
 * of them share a database and a dead one's runs are taken over when its leases expire.
 * Thread-safe.
 */
public final class RunStore {
    private final Database db;
    private final Clock clock;

    public RunStore(Database db, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** A run's task: the node it runs and its TES state. */
    public record NodeTask(String node, String taskId, TaskState state) {}

    /** Stores a new run in state QUEUED. */
    public void create(RunEntity run) {
        requireNonNull(run, "run is null");
        OffsetDateTime now = now();
        run.setState(RunState.QUEUED);
        run.setUpdatedAt(now);
        if (run.getCreationTime() == null) {
            run.setCreationTime(now);
        }
        db.inTransaction(em -> {
            em.persist(run);
            return null;
        });
    }

    public Optional<RunEntity> find(String id) {
        return db.read(em -> Optional.ofNullable(em.find(RunEntity.class, id)));
    }

    public Optional<RunState> state(String id) {
        return db.read(em -> {
            List<?> r = em.createNativeQuery("SELECT state FROM run WHERE id = ?1")
                    .setParameter(1, id)
                    .getResultList();
            return r.isEmpty() ? Optional.empty() : Optional.of(RunState.valueOf((String) r.get(0)));
        });
    }

    /** One page of runs, newest first, after keyset position {@code beforeSeq}. */
    public RunPage list(int pageSize, OptionalLong beforeSeq) {
        return db.read(em -> {
            Query q = beforeSeq.isPresent()
                    ? em.createNativeQuery(
                                    "SELECT * FROM run WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2", RunEntity.class)
                            .setParameter(1, beforeSeq.getAsLong())
                            .setParameter(2, pageSize + 1)
                    : em.createNativeQuery("SELECT * FROM run ORDER BY seq DESC LIMIT ?1", RunEntity.class)
                            .setParameter(1, pageSize + 1);
            @SuppressWarnings("unchecked")
            List<RunEntity> rows = new ArrayList<>(q.getResultList());
            OptionalLong next = OptionalLong.empty();
            if (rows.size() > pageSize) {
                rows = new ArrayList<>(rows.subList(0, pageSize));
                next = OptionalLong.of(rows.get(rows.size() - 1).getSeq());
            }
            return new RunPage(rows, next);
        });
    }

    /**
     * Moves the run from {@code from} to {@code to} if it is still in {@code from}, appending
     * {@code systemLogs}. Sets start_time on RUNNING, end_time and releases the lease on a terminal
     * state.
     *
     * @return whether this call changed the state
     * @throws IllegalArgumentException when the transition table forbids {@code from → to}
     */
    public boolean transition(String id, RunState from, RunState to, List<String> systemLogs) {
        if (!from.canBecome(to)) {
            throw new IllegalArgumentException("run state change " + from + " -> " + to + " is not allowed");
        }
        StringBuilder sql = new StringBuilder("UPDATE run SET state = ?1, updated_at = ?2");
        if (to == RunState.RUNNING || (to.isTerminal() && to != RunState.CANCELED)) {
            sql.append(", start_time = COALESCE(start_time, ?2)");
        }
        if (to.isTerminal()) {
            sql.append(", end_time = ?2, lease_owner = NULL, lease_expires = NULL");
        }
        if (!systemLogs.isEmpty()) {
            sql.append(", system_logs = system_logs || ?5::jsonb");
        }
        sql.append(" WHERE id = ?3 AND state = ?4");
        return db.inTransaction(em -> {
            Query q = em.createNativeQuery(sql.toString())
                    .setParameter(1, to.name())
                    .setParameter(2, now())
                    .setParameter(3, id)
                    .setParameter(4, from.name());
            if (!systemLogs.isEmpty()) {
                q.setParameter(5, JsonText.array(systemLogs));
            }
            return q.executeUpdate() == 1;
        });
    }

    /** What a cancel request did. */
    public enum CancelOutcome {
        /** The run is now CANCELING; a reconciler cancels its tasks and ends it CANCELED. */
        CANCELING,
        /** The run had ended or was already being cancelled: nothing changed. */
        UNCHANGED,
        /** No such run. */
        NOT_FOUND
    }

    /** Requests cancellation of an unfinished run. */
    public CancelOutcome requestCancel(String id) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<RunState> s = state(id);
            if (s.isEmpty()) {
                return CancelOutcome.NOT_FOUND;
            }
            RunState cur = s.get();
            if (!cur.canBecome(RunState.CANCELING)) {
                return CancelOutcome.UNCHANGED;
            }
            if (transition(id, cur, RunState.CANCELING, List.of("cancel requested"))) {
                return CancelOutcome.CANCELING;
            }
        }
        return CancelOutcome.UNCHANGED;
    }

    /** Stores the run's outputs (a JSON object). */
    public void setOutputs(String id, String outputsJson) {
        db.inTransaction(em -> em.createNativeQuery("UPDATE run SET outputs = ?1::jsonb, updated_at = ?2 WHERE id = ?3")
                .setParameter(1, outputsJson)
                .setParameter(2, now())
                .setParameter(3, id)
                .executeUpdate());
    }

    /** Appends lines to the run's system logs. */
    public void appendSystemLogs(String id, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE run SET system_logs = system_logs || ?1::jsonb, updated_at = ?2 WHERE id = ?3")
                .setParameter(1, JsonText.array(lines))
                .setParameter(2, now())
                .setParameter(3, id)
                .executeUpdate());
    }

    /**
     * Claims up to {@code limit} unfinished runs that no live reconciler holds, oldest first.
     *
     * @return the claimed run ids
     */
    public List<String> claim(String owner, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        return db.inTransaction(
                em -> strings(em.createNativeQuery("UPDATE run SET lease_owner = ?1, lease_expires = ?2 WHERE id IN ("
                                + "SELECT id FROM run WHERE state IN ('QUEUED','INITIALIZING','RUNNING','PAUSED','CANCELING')"
                                + " AND (lease_owner IS NULL OR lease_expires < ?3) ORDER BY seq LIMIT ?4 FOR UPDATE SKIP LOCKED)"
                                + " RETURNING id")
                        .setParameter(1, owner)
                        .setParameter(2, now().plus(lease))
                        .setParameter(3, now())
                        .setParameter(4, limit)
                        .getResultList()));
    }

    /** Extends {@code owner}'s leases on {@code ids}. @return how many were extended */
    public int renewLeases(String owner, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return 0;
        }
        return db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE run SET lease_expires = ?1 WHERE lease_owner = ?2 AND id = ANY(string_to_array(?3, ','))")
                .setParameter(1, now().plus(lease))
                .setParameter(2, owner)
                .setParameter(3, String.join(",", ids))
                .executeUpdate());
    }

    /** Whether {@code owner} still holds the lease on run {@code id}. */
    public boolean holdsLease(String owner, String id) {
        return db.read(em -> !em.createNativeQuery("SELECT 1 FROM run WHERE id = ?1 AND lease_owner = ?2")
                .setParameter(1, id)
                .setParameter(2, owner)
                .getResultList()
                .isEmpty());
    }

    /** Gives up {@code owner}'s lease on a run. */
    public void releaseLease(String owner, String id) {
        db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE run SET lease_owner = NULL, lease_expires = NULL WHERE id = ?1 AND lease_owner = ?2")
                .setParameter(1, id)
                .setParameter(2, owner)
                .executeUpdate());
    }

    /** Expires every run lease now: only for the embedded database's only user, at start-up (see TaskStore). */
    public int expireAllLeases() {
        return db.inTransaction(
                em -> em.createNativeQuery("UPDATE run SET lease_expires = ?1 WHERE lease_owner IS NOT NULL")
                        .setParameter(1, now().minusSeconds(1))
                        .executeUpdate());
    }

    /** Records that {@code node} of the run is TES task {@code taskId} (idempotent). The task must exist. */
    public void addTask(String runId, String node, String taskId) {
        db.inTransaction(em -> em.createNativeQuery(
                        "INSERT INTO run_task (run_id, node, task_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                .setParameter(1, runId)
                .setParameter(2, node)
                .setParameter(3, taskId)
                .executeUpdate());
    }

    /** Records several nodes' tasks in one transaction (idempotent). */
    public void addTasks(String runId, Map<String, String> taskIdByNode) {
        if (taskIdByNode.isEmpty()) {
            return;
        }
        db.inTransaction(em -> {
            for (Map.Entry<String, String> e : taskIdByNode.entrySet()) {
                em.createNativeQuery(
                                "INSERT INTO run_task (run_id, node, task_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                        .setParameter(1, runId)
                        .setParameter(2, e.getKey())
                        .setParameter(3, e.getValue())
                        .executeUpdate();
            }
            return null;
        });
    }

    /** The run's recorded nodes and their tasks' states, in the order they were recorded. */
    public List<NodeTask> nodeTasks(String runId) {
        return db.read(em -> {
            List<NodeTask> out = new ArrayList<>();
            for (Object row : em.createNativeQuery(
                            "SELECT rt.node, rt.task_id, t.state FROM run_task rt JOIN task t ON t.id = rt.task_id"
                                    + " WHERE rt.run_id = ?1 ORDER BY rt.seq")
                    .setParameter(1, runId)
                    .getResultList()) {
                Object[] r = (Object[]) row;
                out.add(new NodeTask((String) r[0], (String) r[1], TaskState.valueOf((String) r[2])));
            }
            return out;
        });
    }

    /**
     * Every TES task tagged {@code ergon.run-id} = {@code runId} (the run's own tasks, and those an
     * engine sent to Ergon's TES), task id → state.
     */
    public Map<String, TaskState> taggedTasks(String runId) {
        return db.read(em -> {
            Map<String, TaskState> out = new java.util.LinkedHashMap<>();
            for (Object row : em.createNativeQuery(
                            "SELECT t.id, t.state FROM task_tag g JOIN task t ON t.id = g.task_id"
                                    + " WHERE g.key = 'ergon.run-id' AND g.value = ?1 ORDER BY g.seq")
                    .setParameter(1, runId)
                    .getResultList()) {
                Object[] r = (Object[]) row;
                out.put((String) r[0], TaskState.valueOf((String) r[1]));
            }
            return out;
        });
    }

    /** Counts runs per state (service-info's system_state_counts). */
    public Map<RunState, Long> countByState() {
        return db.read(em -> {
            Map<RunState, Long> out = new EnumMap<>(RunState.class);
            for (Object row : em.createNativeQuery("SELECT state, count(*) FROM run GROUP BY state")
                    .getResultList()) {
                Object[] r = (Object[]) row;
                out.put(RunState.valueOf((String) r[0]), ((Number) r[1]).longValue());
            }
            return out;
        });
    }

    private static List<String> strings(List<?> rows) {
        List<String> out = new ArrayList<>(rows.size());
        for (Object o : rows) {
            out.add(o instanceof Object[] a ? (String) a[0] : (String) o);
        }
        return out;
    }
}
