package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every read and write of tasks. Each state change is one conditional {@code UPDATE … WHERE id = ?
 * AND state = ?} checked against {@link TaskState}'s transition table, so a lost race changes
 * nothing and returns false. Controllers claim work with leases ({@code FOR UPDATE SKIP
 * LOCKED}); a crashed controller's tasks are claimed again once its leases expire. Thread-safe.
 */
public final class TaskStore {
    private final Database db;
    private final Clock clock;

    public TaskStore(Database db, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Stores a new task and its executors in one transaction, in state QUEUED. */
    public void create(TaskEntity task) {
        requireNonNull(task, "task is null");
        OffsetDateTime now = now();
        task.setState(TaskState.QUEUED);
        task.setUpdatedAt(now);
        if (task.getCreationTime() == null) {
            task.setCreationTime(now);
        }
        db.inTransaction(em -> {
            em.persist(task);
            for (ExecutorEntity e : task.getExecutors()) {
                e.setTask(task);
                em.persist(e);
            }
            return null;
        });
    }

    /**
     * Stores several new tasks in one transaction (group commit): all or none. Used by the API to
     * write concurrent CreateTask requests together, so one commit serves many requests.
     */
    public void createAll(List<TaskEntity> tasks) {
        OffsetDateTime now = now();
        for (TaskEntity task : tasks) {
            task.setState(TaskState.QUEUED);
            task.setUpdatedAt(now);
            if (task.getCreationTime() == null) {
                task.setCreationTime(now);
            }
        }
        db.inTransaction(em -> {
            for (TaskEntity task : tasks) {
                em.persist(task);
            }
            // Executors after all tasks, so EclipseLink's JDBC batching sends each table's rows together.
            for (TaskEntity task : tasks) {
                for (ExecutorEntity e : task.getExecutors()) {
                    e.setTask(task);
                    em.persist(e);
                }
            }
            return null;
        });
    }

    /** The task, with its executors when {@code withExecutors}. */
    public Optional<TaskEntity> find(String id, boolean withExecutors) {
        return db.read(em -> {
            TaskEntity t = em.find(TaskEntity.class, id);
            if (t != null && withExecutors) {
                t.getExecutors().size(); // load while the entity manager is open
            }
            return Optional.ofNullable(t);
        });
    }

    /** The task's state, if the task exists. */
    public Optional<TaskState> state(String id) {
        return db.read(em -> {
            List<?> r = em.createNativeQuery("SELECT state FROM task WHERE id = ?1")
                    .setParameter(1, id)
                    .getResultList();
            return r.isEmpty() ? Optional.empty() : Optional.of(TaskState.valueOf((String) r.get(0)));
        });
    }

    /**
     * One page of tasks matching {@code q}, newest first. Without tag filters the page is read
     * from the seq index; with them, from the first filter's rows in {@code task_tag}, so a deep
     * page costs what the first does.
     */
    public TaskPage list(TaskQuery q, boolean withExecutors) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql;
        String seq;
        List<TaskQuery.TagFilter> tags = q.tags();
        if (tags.isEmpty()) {
            sql = new StringBuilder("SELECT t.* FROM task t WHERE true");
            seq = "t.seq";
        } else {
            TaskQuery.TagFilter first = tags.get(0);
            params.add(first.key());
            sql = new StringBuilder("SELECT t.* FROM task_tag g JOIN task t ON t.id = g.task_id WHERE g.key = ?1");
            if (first.value().isPresent()) {
                params.add(first.value().get());
                sql.append(" AND g.value = ?2");
            }
            seq = "g.seq";
            tags = tags.subList(1, tags.size());
        }
        q.beforeSeq().ifPresent(s -> {
            params.add(s);
            sql.append(" AND ").append(seq).append(" < ?").append(params.size());
        });
        q.state().ifPresent(s -> {
            params.add(s.name());
            sql.append(" AND t.state = ?").append(params.size());
        });
        q.namePrefix().ifPresent(p -> {
            params.add(escapeLike(p) + "%");
            sql.append(" AND t.name LIKE ?").append(params.size());
        });
        for (TaskQuery.TagFilter f : tags) {
            params.add(f.key());
            int k = params.size();
            if (f.value().isPresent()) {
                params.add(f.value().get());
                sql.append(" AND t.tags @> jsonb_build_object(?")
                        .append(k)
                        .append("::text, ?")
                        .append(params.size())
                        .append("::text)");
            } else {
                // jsonb_exists is the '?' operator, which JDBC would read as a parameter marker
                sql.append(" AND jsonb_exists(t.tags, ?").append(k).append("::text)");
            }
        }
        params.add(q.pageSize() + 1);
        sql.append(" ORDER BY ").append(seq).append(" DESC LIMIT ?").append(params.size());
        return db.read(em -> {
            Query query = em.createNativeQuery(sql.toString(), TaskEntity.class);
            for (int i = 0; i < params.size(); i++) {
                query.setParameter(i + 1, params.get(i));
            }
            @SuppressWarnings("unchecked")
            List<TaskEntity> rows = new ArrayList<>(query.getResultList());
            OptionalLong next = OptionalLong.empty();
            if (rows.size() > q.pageSize()) {
                rows = new ArrayList<>(rows.subList(0, q.pageSize()));
                next = OptionalLong.of(rows.get(rows.size() - 1).getSeq());
            }
            if (withExecutors && !rows.isEmpty()) {
                loadExecutors(em, rows);
            }
            return new TaskPage(rows, next);
        });
    }

    /** Loads the executors of a page of tasks in one query instead of one per task. */
    private static void loadExecutors(EntityManager em, List<TaskEntity> rows) {
        List<String> ids = rows.stream().map(TaskEntity::getId).toList();
        List<ExecutorEntity> all = em.createQuery(
                        "SELECT e FROM ExecutorEntity e WHERE e.task.id IN :ids ORDER BY e.task.id, e.index",
                        ExecutorEntity.class)
                .setParameter("ids", ids)
                .getResultList();
        Map<String, List<ExecutorEntity>> byTask = all.stream()
                .collect(Collectors.groupingBy(e -> e.getTask().getId(), HashMap::new, Collectors.toList()));
        for (TaskEntity t : rows) {
            t.setExecutors(byTask.getOrDefault(t.getId(), List.of()));
        }
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * Moves the task from {@code from} to {@code to} if it is still in {@code from}. Sets
     * start_time on entering RUNNING, end_time and releases the lease on a terminal state.
     *
     * @return whether this call changed the state
     * @throws IllegalArgumentException when the transition table forbids {@code from → to}
     */
    public boolean transition(String id, TaskState from, TaskState to) {
        return transition(id, from, to, List.of());
    }

    /** As {@link #transition(String, TaskState, TaskState)}, appending {@code systemLogs} in the same UPDATE. */
    public boolean transition(String id, TaskState from, TaskState to, List<String> systemLogs) {
        if (!from.canBecome(to)) {
            throw new IllegalArgumentException("task state change " + from + " -> " + to + " is not allowed");
        }
        StringBuilder sql = new StringBuilder("UPDATE task SET state = ?1, updated_at = ?2");
        if (to == TaskState.RUNNING) {
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
        /** The task was queued and is now CANCELED. */
        CANCELED,
        /** The task was running; it is now CANCELING and a controller will stop it. */
        CANCELING,
        /** The task had already ended, or was already being cancelled: nothing changed. */
        UNCHANGED,
        /** No such task. */
        NOT_FOUND
    }

    /** Requests cancellation: QUEUED → CANCELED; INITIALIZING, RUNNING or PAUSED → CANCELING. */
    public CancelOutcome requestCancel(String id) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<TaskState> s = state(id);
            if (s.isEmpty()) {
                return CancelOutcome.NOT_FOUND;
            }
            TaskState cur = s.get();
            if (cur.isTerminal() || cur == TaskState.CANCELING) {
                return CancelOutcome.UNCHANGED;
            }
            if (cur == TaskState.QUEUED) {
                if (transition(id, TaskState.QUEUED, TaskState.CANCELED)) {
                    return CancelOutcome.CANCELED;
                }
            } else if (cur.canBecome(TaskState.CANCELING) && transition(id, cur, TaskState.CANCELING)) {
                return CancelOutcome.CANCELING;
            }
            // Lost a race with the controller: read again.
        }
        return CancelOutcome.UNCHANGED;
    }

    /**
     * Claims up to {@code limit} queued, unleased tasks for {@code owner}, oldest first. Concurrent
     * controllers skip each other's rows (SKIP LOCKED) instead of waiting.
     *
     * @return the claimed task ids
     */
    public List<String> claimQueued(String owner, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        return db.inTransaction(
                em -> strings(em.createNativeQuery("UPDATE task SET lease_owner = ?1, lease_expires = ?2 WHERE id IN ("
                                + "SELECT id FROM task WHERE state = 'QUEUED' AND lease_owner IS NULL ORDER BY seq LIMIT ?3"
                                + " FOR UPDATE SKIP LOCKED) RETURNING id")
                        .setParameter(1, owner)
                        .setParameter(2, now().plus(lease))
                        .setParameter(3, limit)
                        .getResultList()));
    }

    /**
     * Claims up to {@code limit} unfinished tasks whose lease has expired (their controller died),
     * for {@code owner}.
     *
     * @return the claimed tasks (without executors)
     */
    public List<TaskEntity> claimExpired(String owner, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        List<String> ids = db.inTransaction(em -> strings(em.createNativeQuery(
                        "UPDATE task SET lease_owner = ?1, lease_expires = ?2 WHERE id IN ("
                                + "SELECT id FROM task WHERE state IN ('QUEUED','INITIALIZING','RUNNING','PAUSED','CANCELING')"
                                + " AND lease_expires < ?3 ORDER BY lease_expires LIMIT ?4 FOR UPDATE SKIP LOCKED) RETURNING id")
                .setParameter(1, owner)
                .setParameter(2, now().plus(lease))
                .setParameter(3, now())
                .setParameter(4, limit)
                .getResultList()));
        List<TaskEntity> out = new ArrayList<>();
        for (String id : ids) {
            find(id, false).ifPresent(out::add);
        }
        return out;
    }

    /** Extends {@code owner}'s leases on {@code ids}. @return how many leases were extended */
    public int renewLeases(String owner, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return 0;
        }
        return db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE task SET lease_expires = ?1 WHERE lease_owner = ?2 AND id = ANY(string_to_array(?3, ','))")
                .setParameter(1, now().plus(lease))
                .setParameter(2, owner)
                .setParameter(3, String.join(",", ids))
                .executeUpdate());
    }

    /** Gives up {@code owner}'s lease on a task it will not work on. */
    public void releaseLease(String owner, String id) {
        db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE task SET lease_owner = NULL, lease_expires = NULL WHERE id = ?1 AND lease_owner = ?2")
                .setParameter(1, id)
                .setParameter(2, owner)
                .executeUpdate());
    }

    /**
     * Expires every lease now. Only for a process that is the database's only user (the embedded
     * default) at start-up: the leases it finds were held by its own earlier, dead, incarnation.
     */
    public int expireAllLeases() {
        return db.inTransaction(
                em -> em.createNativeQuery("UPDATE task SET lease_expires = ?1 WHERE lease_owner IS NOT NULL")
                        .setParameter(1, now().minusSeconds(1))
                        .executeUpdate());
    }

    /**
     * Records, before the backend is asked to run the task, that it is about to be. After a crash a
     * task with {@code submitted_at} set is never submitted again by Ergon.
     *
     * @return false when {@code owner} no longer holds the task's lease (do not submit)
     */
    public boolean markSubmitted(String id, String owner, String backend, String ref) {
        return db.inTransaction(em -> em.createNativeQuery(
                                "UPDATE task SET submitted_at = ?1, backend = ?2, backend_ref = ?3, updated_at = ?1"
                                        + " WHERE id = ?4 AND lease_owner = ?5 AND submitted_at IS NULL")
                        .setParameter(1, now())
                        .setParameter(2, backend)
                        .setParameter(3, ref)
                        .setParameter(4, id)
                        .setParameter(5, owner)
                        .executeUpdate()
                == 1);
    }

    /** Writes one executor's log (start/end times, exit code, output tails). */
    public void recordExecutor(
            String id,
            int index,
            Optional<Instant> start,
            Optional<Instant> end,
            OptionalInt exitCode,
            String stdoutTail,
            String stderrTail) {
        db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE task_executor SET start_time = ?1, end_time = ?2, exit_code = ?3, stdout_tail = ?4,"
                                + " stderr_tail = ?5 WHERE task_id = ?6 AND idx = ?7")
                .setParameter(1, start.map(TaskStore::odt).orElse(null))
                .setParameter(2, end.map(TaskStore::odt).orElse(null))
                .setParameter(3, exitCode.isPresent() ? exitCode.getAsInt() : null)
                .setParameter(4, stripNul(stdoutTail))
                .setParameter(5, stripNul(stderrTail))
                .setParameter(6, id)
                .setParameter(7, index)
                .executeUpdate());
    }

    /** Appends lines to the task's system logs. */
    public void appendSystemLogs(String id, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        db.inTransaction(em -> em.createNativeQuery(
                        "UPDATE task SET system_logs = system_logs || ?1::jsonb, updated_at = ?2 WHERE id = ?3")
                .setParameter(1, JsonText.array(lines))
                .setParameter(2, now())
                .setParameter(3, id)
                .executeUpdate());
    }

    /** Stores the output file logs (a JSON array of tesOutputFileLog). */
    public void setOutputLogs(String id, String outputLogsJson) {
        db.inTransaction(em -> em.createNativeQuery("UPDATE task SET output_logs = ?1::jsonb WHERE id = ?2")
                .setParameter(1, outputLogsJson)
                .setParameter(2, id)
                .executeUpdate());
    }

    /** Counts tasks per state (for service-info and health). */
    public Map<TaskState, Long> countByState() {
        return db.read(em -> {
            Map<TaskState, Long> out = new java.util.EnumMap<>(TaskState.class);
            for (Object row : em.createNativeQuery("SELECT state, count(*) FROM task GROUP BY state")
                    .getResultList()) {
                Object[] r = (Object[]) row;
                out.put(TaskState.valueOf((String) r[0]), ((Number) r[1]).longValue());
            }
            return out;
        });
    }

    /** Ids of tasks in {@code states} leased by {@code owner}. */
    public List<String> leasedBy(String owner, Set<TaskState> states) {
        return db.read(em -> strings(em.createNativeQuery(
                        "SELECT id FROM task WHERE lease_owner = ?1 AND state = ANY(string_to_array(?2, ','))")
                .setParameter(1, owner)
                .setParameter(2, states.stream().map(Enum::name).collect(Collectors.joining(",")))
                .getResultList()));
    }

    private static String stripNul(String s) {
        return s == null ? null : s.replace("\u0000", "");
    }

    private static OffsetDateTime odt(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static List<String> strings(List<?> rows) {
        List<String> out = new ArrayList<>(rows.size());
        for (Object o : rows) {
            out.add(o instanceof Object[] a ? (String) a[0] : (String) o);
        }
        return out;
    }
}
