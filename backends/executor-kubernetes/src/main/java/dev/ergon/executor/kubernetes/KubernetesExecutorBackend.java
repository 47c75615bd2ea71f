package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import dev.ergon.executor.kubernetes.ObservationMapper.Facts;
import dev.ergon.executor.kubernetes.ObservationMapper.Mapped;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.Observation;
import dev.ergon.spi.ObservationListener;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ProviderContext;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs each task as one Kubernetes Job (see {@link JobManifest} for its shape). The Job is the
 * only state: its name is derived from the task id, so {@link #submit} is idempotent across
 * processes (a second create is answered 409 and the existing Job is adopted), and a restarted
 * Ergon finds its tasks again through a label-selector list ({@link ExecutorCapability#SURVIVES_RESTART}).
 *
 * <p>API writes per task: one create, and one delete (cancel, or cleanup); nothing else writes.
 * Observing reads a local {@link ClusterView} fed by watches (or polling), so it costs no API call
 * in the normal path; executors' log tails are read once each, when the executor has ended, before
 * {@code ttlSecondsAfterFinished} can remove the Pod.
 *
 * <p>Thread-safe: per-task {@link TaskRecord}s in a concurrent map; submits of one task id are
 * serialised.
 */
public final class KubernetesExecutorBackend implements ExecutorBackend {
    private static final Logger LOG = System.getLogger(KubernetesExecutorBackend.class.getName());
    static final Set<ExecutorCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            ExecutorCapability.STAGES_ITSELF,
            ExecutorCapability.STREAM_REDIRECTION,
            ExecutorCapability.IGNORE_ERROR,
            ExecutorCapability.WORKDIR_AND_ENV,
            ExecutorCapability.VOLUMES,
            ExecutorCapability.PUSHES_CHANGES,
            ExecutorCapability.SURVIVES_RESTART));

    /**
     * The capabilities with {@code config}: stdout and stderr apart only when logs are read split
     * ({@code log-streams=split}); combined logs are reported as stdout.
     */
    static Set<ExecutorCapability> capabilities(KubernetesExecutorBackendConfig config) {
        if (config.logStreams() != KubernetesExecutorBackendConfig.LogStreams.SPLIT) {
            return CAPABILITIES;
        }
        EnumSet<ExecutorCapability> c = EnumSet.copyOf(CAPABILITIES);
        c.add(ExecutorCapability.SEPARATE_LOG_STREAMS);
        return Collections.unmodifiableSet(c);
    }

    private final KubernetesExecutorBackendConfig config;
    private final KubeApi api;
    private final ClusterView view;
    private final Clock clock;
    private final ConcurrentMap<String, TaskRecord> records = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> submitLocks = new ConcurrentHashMap<>();
    /** Tasks cleaned up lately, so that a repeated cleanup or a late observe does not act on a stale view. */
    private final ConcurrentMap<String, Instant> cleanedUp = new ConcurrentHashMap<>();

    private static final Duration CLEANED_UP_MEMORY = Duration.ofMinutes(10);
    private final List<ObservationListener> listeners = new CopyOnWriteArrayList<>();
    private final LogTails logTails;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<String> unavailableReason;

    KubernetesExecutorBackend(KubernetesExecutorBackendConfig config, ProviderContext context) {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        this.clock = context.clock();
        this.api = KubeApi.connect(config, context.config().prefix());
        this.logTails = new LogTails(
                new LogReader(api, config.logStreams(), config.logTailBytes()), config.apiTimeout(), this::changed);
        this.view = config.watch()
                ? new InformerClusterView(api, this::onChange)
                : new PollingClusterView(api, this::onChange, config.pollInterval());
        this.unavailableReason = api.probe();
        view.start();
    }

    @Override
    public Set<ExecutorCapability> capabilities() {
        return capabilities(config);
    }

    /**
     * Creates the task's Job (one API write). Idempotent by task id: a task this process knows gets
     * its handle back without an API call; a Job that already exists (created by an earlier or
     * another Ergon process) is answered 409 by the API server and adopted. Returns at once.
     *
     * @throws ErgonException INVALID_INPUT naming the field the executor cannot honour (or a
     *     backend_parameters key outside the envelope of a strict task); BACKEND_UNAVAILABLE when
     *     the API server cannot be reached or refuses for a reason retrying may fix
     */
    @Override
    public TaskHandle submit(TaskSpec spec) {
        requireNonNull(spec, "spec is null");
        TaskRecord known = records.get(spec.taskId());
        if (known != null) {
            return known.handle;
        }
        if (closed.get()) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "the Kubernetes executor is closed");
        }
        JobManifest.Built built = JobManifest.build(spec, config);
        Object lock = submitLocks.computeIfAbsent(spec.taskId(), k -> new Object());
        synchronized (lock) {
            try {
                known = records.get(spec.taskId());
                if (known != null) {
                    return known.handle;
                }
                TaskRecord r = new TaskRecord(spec.taskId(), handle(spec.taskId()), built.systemLogs());
                r.created = api.createOrAdopt(built.job(), spec.taskId());
                cleanedUp.remove(spec.taskId());
                if (!Boolean.TRUE.equals(r.created.getSpec().getSuspend())) {
                    r.admitted = true;
                }
                records.put(spec.taskId(), r);
                changed(spec.taskId());
                return r.handle;
            } finally {
                submitLocks.remove(spec.taskId(), lock);
            }
        }
    }

    private static TaskHandle handle(String taskId) {
        return new TaskHandle(taskId, KubernetesExecutorBackendProvider.NAME, JobNames.jobName(taskId));
    }

    /**
     * The task as its Job and Pod show it (see {@link ObservationMapper} for the rules). A terminal
     * observation is kept and returned unchanged from then on. Never throws for an unreachable API
     * server: it then returns the last observation (or INITIALIZING) with a system log line.
     */
    @Override
    public Observation observe(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!KubernetesExecutorBackendProvider.NAME.equals(handle.backend())) {
            return Observation.unknown("not a handle of the Kubernetes executor (backend '" + handle.backend() + "')");
        }
        TaskRecord r = records.get(handle.taskId());
        if (r != null && r.terminal() != null) {
            return r.terminal();
        }
        String jobName = JobNames.jobName(handle.taskId());
        if (r == null && cleanedUp.containsKey(handle.taskId())) {
            return Observation.unknown(
                    "task " + handle.taskId() + " was cleaned up: its Job " + jobName + " is deleted");
        }
        Snapshot s;
        try {
            s = snapshot(handle.taskId(), jobName, r);
        } catch (ApiException | ErgonException e) {
            return ObservationMapper.unreachable(r == null ? null : r.last, e);
        }
        if (s.job() == null) {
            if (r != null && (r.seen || r.created != null)) {
                return r.end(new Observation(
                        Phase.SYSTEM_ERROR,
                        r.last == null ? List.of() : r.last.executors(),
                        List.of("the task's Job " + jobName + " was deleted before Ergon saw it end (by someone else,"
                                + " or by ttlSecondsAfterFinished while Ergon was away)")));
            }
            return Observation.unknown(
                    "no Job " + jobName + " in namespace '" + api.namespace() + "' (never submitted, or cleaned up)");
        }
        if (!handle.taskId().equals(ClusterView.taskIdOf(s.job().getMetadata()).orElse(null))) {
            return Observation.unknown("Job " + jobName + " belongs to another task");
        }
        TaskRecord rec = r != null
                ? r
                : records.computeIfAbsent(handle.taskId(), id -> new TaskRecord(id, handle(id), List.of()));
        return observe(rec, s);
    }

    private Observation observe(TaskRecord r, Snapshot s) {
        if (s.fromCluster()) {
            r.seen = true;
        }
        Optional<V1Pod> pod = ClusterView.newest(s.pods());
        noteProgress(r, s.job(), pod);
        Mapped m = map(r, s.job(), pod);
        if (!m.observation().phase().isTerminal()) {
            Set<String> wanted = m.logsWanted();
            m.pod().ifPresent(p -> wanted.forEach(c -> logFuture(r, p, c)));
            r.last = m.observation();
            return m.observation();
        }
        if (!m.logsWanted().isEmpty() && m.pod().isPresent()) {
            // A terminal observation is final: fetch the remaining tails first.
            for (String c : m.logsWanted()) {
                logTails.await(logFuture(r, m.pod().get(), c));
            }
            m = map(r, s.job(), pod);
        }
        return r.end(m.observation());
    }

    private Mapped map(TaskRecord r, V1Job job, Optional<V1Pod> pod) {
        Optional<V1Pod> basis = pod.isPresent() ? pod : Optional.ofNullable(r.lastPod);
        Map<String, LogTail> logs = basis.map(p -> LogTails.fetched(r.logs, p)).orElse(Map.of());
        Facts f = new Facts(
                job,
                pod,
                pod.isPresent() ? Optional.empty() : Optional.ofNullable(r.lastPod),
                r.admitted,
                logs,
                baseLogs(r, job),
                clock.instant(),
                config.imagePullGrace());
        return ObservationMapper.map(f);
    }

    private static void noteProgress(TaskRecord r, V1Job job, Optional<V1Pod> pod) {
        if (!Boolean.TRUE.equals(job.getSpec() == null ? null : job.getSpec().getSuspend()) || pod.isPresent()) {
            r.admitted = true;
        }
        pod.ifPresent(p -> r.lastPod = p);
    }

    private static List<String> baseLogs(TaskRecord r, V1Job job) {
        return baseLogs(r.submitLogs, job);
    }

    /** {@code submitLogs}, or (after a restart) the lines the Job's annotations imply. */
    static List<String> baseLogs(List<String> submitLogs, V1Job job) {
        if (!submitLogs.isEmpty()) {
            return submitLogs;
        }
        String ignored = job.getMetadata() == null || job.getMetadata().getAnnotations() == null
                ? null
                : job.getMetadata().getAnnotations().get(JobNames.IGNORED_PARAMETERS_ANNOTATION);
        if (ignored == null || ignored.isBlank()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String k : ignored.split(",")) {
            lines.add("resources.backend_parameters." + k.trim()
                    + " ignored: outside what this Ergon allows, unknown, or malformed");
        }
        return lines;
    }

    /** The Job and its Pods: from the view, else (a Job this process just created, or one the view has not shown) from the API. */
    private record Snapshot(V1Job job, List<V1Pod> pods, boolean fromCluster) {}

    private Snapshot snapshot(String taskId, String jobName, TaskRecord r) throws ApiException {
        String label = JobNames.taskIdLabel(taskId);
        Optional<V1Job> j = view.job(jobName);
        if (j.isPresent()) {
            return new Snapshot(j.get(), view.pods(label), true);
        }
        if (r != null && r.created != null && !r.seen && !r.deleted) {
            return new Snapshot(r.created, view.pods(label), false); // the view has not caught up with our create
        }
        try {
            V1Job job = api.call(
                    "read Job " + jobName,
                    () -> api.batch.readNamespacedJob(jobName, api.namespace()).execute());
            List<V1Pod> pods = api.call("list the Pods of Job " + jobName, () -> api.core
                            .listNamespacedPod(api.namespace())
                            .labelSelector(JobNames.SELECTOR + "," + JobNames.TASK_ID_LABEL + "=" + label)
                            .execute())
                    .getItems();
            return new Snapshot(job, pods, true);
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return new Snapshot(null, List.of(), true);
            }
            throw e;
        }
    }

    /**
     * Deletes the task's Job with foreground propagation (one API write): Kubernetes stops the
     * running container (SIGTERM, then SIGKILL after {@code termination-grace-period}) and no later
     * executor starts. The task is CANCELED as soon as the delete is accepted. A no-op for an ended
     * or unknown task.
     *
     * @throws ErgonException BACKEND_UNAVAILABLE when the API server cannot be reached (after retries)
     */
    @Override
    public void cancel(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!KubernetesExecutorBackendProvider.NAME.equals(handle.backend())) {
            return;
        }
        Observation now = observe(handle);
        if (now.phase().isTerminal()) {
            return; // ended, or unknown
        }
        TaskRecord r = records.get(handle.taskId());
        if (r == null || r.terminal() != null) {
            return;
        }
        api.deleteJob(r.jobName, "Foreground");
        r.deleted = true;
        List<String> logs = new ArrayList<>(now.systemLogs());
        logs.add("canceled: the task's Job was deleted");
        r.end(new Observation(Phase.CANCELED, now.executors(), logs));
        changed(handle.taskId());
    }

    /**
     * Forgets the task and deletes its Job, with its Pod, if it is still there (one API write;
     * none when cancel deleted it already). Idempotent. An API failure is logged, not thrown:
     * {@code ttlSecondsAfterFinished} removes the Job later anyway.
     */
    @Override
    public void cleanup(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!KubernetesExecutorBackendProvider.NAME.equals(handle.backend())) {
            return;
        }
        Instant now = Instant.now();
        cleanedUp.values().removeIf(t -> t.isBefore(now.minus(CLEANED_UP_MEMORY)));
        boolean again = cleanedUp.putIfAbsent(handle.taskId(), now) != null;
        TaskRecord r = records.remove(handle.taskId());
        if (again || (r != null && r.deleted)) {
            return;
        }
        String jobName = JobNames.jobName(handle.taskId());
        try {
            Optional<V1Job> job = view.job(jobName);
            boolean present;
            if (job.isPresent()) {
                present = handle.taskId()
                        .equals(ClusterView.taskIdOf(job.get().getMetadata()).orElse(null));
            } else if (r != null && (r.created != null || r.seen)) {
                present = true; // the view may lag behind our own create
            } else {
                V1Job read = api.call("read Job " + jobName, () -> api.batch
                        .readNamespacedJob(jobName, api.namespace())
                        .execute());
                present = handle.taskId()
                        .equals(ClusterView.taskIdOf(read.getMetadata()).orElse(null));
            }
            if (present) {
                api.deleteJob(jobName, "Background");
            }
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                LOG.log(
                        Level.WARNING,
                        "Task {0}: could not clean up Job {1}: {2}",
                        handle.taskId(),
                        jobName,
                        KubeApi.describe(e));
            }
        } catch (ErgonException e) {
            LOG.log(
                    Level.WARNING,
                    "Task {0}: could not clean up Job {1}: {2}",
                    handle.taskId(),
                    jobName,
                    e.getMessage());
        }
    }

    @Override
    public void addListener(ObservationListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    @Override
    public Optional<String> unavailableReason() {
        return unavailableReason;
    }

    /** {@code namespace}, {@code server}, {@code observe} (watch or poll), and the Kueue queue when set. */
    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("namespace", api.namespace());
        info.put("server", api.server());
        info.put("observe", view.describe());
        config.kueueQueueName().ifPresent(q -> info.put("kueue-queue", q));
        info.put("storage", config.storage() == KubernetesExecutorBackendConfig.Storage.PVC ? "pvc" : "emptyDir");
        return Collections.unmodifiableMap(info);
    }

    /** Stops watching and reading logs. Jobs keep running in the cluster; a new backend finds them. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        view.close();
        logTails.close();
        api.close();
    }

    // ---- changes and logs ----

    /**
     * The view saw a change of the task's Job or Pod: re-observe it off the informer thread (so the
     * logs of executors that ended are fetched at once, and a task that ended is recorded as ended
     * even if its Job is removed before Ergon next asks), and tell the listeners.
     */
    private void onChange(String taskId) {
        TaskRecord r = records.get(taskId);
        if (r != null && r.terminal() == null && !closed.get()) {
            logTails.execute(() -> refresh(r));
        }
        changed(taskId);
    }

    private void refresh(TaskRecord r) {
        try {
            if (r.terminal() == null) {
                view.job(r.jobName).ifPresent(j -> observe(r, new Snapshot(j, view.pods(r.taskLabel), true)));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Task " + r.taskId + ": " + e);
        }
    }

    private CompletableFuture<LogTail> logFuture(TaskRecord r, V1Pod pod, String container) {
        return logTails.future(r.logs, r.taskId, pod, container);
    }

    /** Tells the listeners; they are hints that must be fast, and one that throws must not stop us. */
    private void changed(String taskId) {
        for (ObservationListener l : listeners) {
            try {
                l.changed(taskId);
            } catch (RuntimeException e) {
                // Ignored: Ergon polls as well, so a failed hint only delays the next observation.
            }
        }
    }
}
