package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import dev.ergon.executor.kubernetes.ObservationMapper.Facts;
import dev.ergon.executor.kubernetes.ObservationMapper.Mapped;
import dev.ergon.executor.kubernetes.PhaseChain.Composite;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.Observation;
import dev.ergon.spi.ObservationListener;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ProviderContext;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Strategy job-per-phase ({@code ergon.executor.kubernetes.strategy=job-per-phase}, Torc-style):
 * a task is one PersistentVolumeClaim and one Job per phase, stage-in, each executor, stage-out
 * (see {@link JobManifest#buildPhases}), created one after the other by this backend, each only
 * when the one before has succeeded. A failing executor (not ignore_error) ends the chain: later
 * phases are never created.
 *
 * <p>The cluster is the only state. Names are functions of the task id ({@code ergon-<id>} for
 * the claim, {@code ergon-<id>-<phase>} for the Jobs), so a create answered 409 adopts what is
 * there; the claim carries the later phases' Jobs ({@link PhasePlan}), so a restarted Ergon,
 * which gets only the task's handle back, lists the task's Jobs by label and creates the next
 * phase exactly as the first process would have, never one that exists or has run.
 *
 * <p>Phase completions reach the backend through the Job and Pod watch (or poll) of the shared
 * {@link ClusterView}, always. When the host offers an {@link EventBus} (a {@link
 * ProviderContext#service service}) and {@code phase-events} is on, the stage-in and stage-out
 * containers' {@link PhaseSignals} are a second path: a wake-up that makes the backend read the
 * task's Jobs from the API at once instead of waiting for the watch or the next poll. A signal is
 * never taken as the truth, so a lost one (Redis down) only costs time.
 *
 * <p>Observations are the one-job strategy's: {@link PhaseChain} shows the phases as one virtual
 * Job and Pod, and {@link ObservationMapper} maps them with the very same rules. Thread-safe:
 * one lock per task serialises its observation and its next create.
 */
final class JobPerPhaseBackend implements ExecutorBackend {
    private static final Logger LOG = System.getLogger(JobPerPhaseBackend.class.getName());
    private static final Duration CLEANED_UP_MEMORY = Duration.ofMinutes(10);
    /** After a signal, how often and how long the phase is read from the API until it shows its end. */
    private static final Duration SIGNAL_READ_INTERVAL = Duration.ofMillis(100);

    private static final int SIGNAL_READS = 50;

    private final KubernetesExecutorBackendConfig config;
    private final KubeApi api;
    private final ClusterView view;
    private final LogTails logTails;
    private final Clock clock;
    private final ConcurrentMap<String, Task> tasks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> submitLocks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Instant> cleanedUp = new ConcurrentHashMap<>();
    private final List<ObservationListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<String> unavailableReason;
    private final Optional<EventBus.Subscription> signals;

    /** What this process knows about one task; rebuilt from the cluster after a restart. */
    private static final class Task {
        final String taskId;
        final String label;
        final TaskHandle handle;
        final List<String> submitLogs;
        /** The phase Jobs in order; phase 0 may be a stand-in (its Job is not in the plan). */
        final List<V1Job> plan;

        final List<V1Container> containers;
        final V1PersistentVolumeClaim claim;
        /** Jobs this process created or read, by phase, used until the view shows them. */
        final Map<Integer, V1Job> known = new ConcurrentHashMap<>();
        /** The newest Pod seen of each phase, kept when the Pod goes. */
        final Map<Integer, V1Pod> pods = new ConcurrentHashMap<>();
        /** Phases seen unsuspended (Kueue admitted them). */
        final Set<Integer> admitted = ConcurrentHashMap.newKeySet();

        final ConcurrentMap<String, CompletableFuture<LogTail>> logs = new ConcurrentHashMap<>();
        volatile boolean seen;
        volatile boolean deleted;
        volatile Observation last;
        private final AtomicReference<Observation> terminal = new AtomicReference<>();

        Task(
                String taskId,
                TaskHandle handle,
                List<String> submitLogs,
                List<V1Job> plan,
                V1PersistentVolumeClaim claim) {
            this.taskId = taskId;
            this.label = JobNames.taskIdLabel(taskId);
            this.handle = handle;
            this.submitLogs = List.copyOf(submitLogs);
            this.plan = List.copyOf(plan);
            this.claim = claim;
            List<V1Container> cs = new ArrayList<>();
            for (V1Job j : plan) {
                cs.add(j.getSpec().getTemplate().getSpec().getContainers().get(0));
            }
            this.containers = List.copyOf(cs);
        }

        int last() {
            return plan.size() - 1;
        }

        Observation terminal() {
            return terminal.get();
        }

        Observation end(Observation o) {
            terminal.compareAndSet(null, o);
            return terminal.get();
        }
    }

    JobPerPhaseBackend(KubernetesExecutorBackendConfig config, ProviderContext context) {
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
        Optional<EventBus> bus = config.phaseEvents() ? context.service(EventBus.class) : Optional.empty();
        this.signals = bus.map(b -> b.subscribe(PhaseSignals.TOPIC, this::onSignal));
        view.start();
    }

    @Override
    public Set<ExecutorCapability> capabilities() {
        return KubernetesExecutorBackend.capabilities(config);
    }

    /**
     * Creates the task's claim and its stage-in Job (two API writes); later phases follow as the
     * earlier ones succeed. Idempotent by task id: a task this process knows gets its handle back
     * without an API call; a claim that exists (an earlier or another Ergon submitted the task) is
     * adopted and the task goes on from where the cluster shows it.
     *
     * @throws ErgonException as {@link KubernetesExecutorBackend#submit}
     */
    @Override
    public TaskHandle submit(TaskSpec spec) {
        requireNonNull(spec, "spec is null");
        Task known = tasks.get(spec.taskId());
        if (known != null) {
            return known.handle;
        }
        if (closed.get()) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "the Kubernetes executor is closed");
        }
        JobManifest.Phased built = JobManifest.buildPhases(spec, config);
        Object lock = submitLocks.computeIfAbsent(spec.taskId(), k -> new Object());
        synchronized (lock) {
            try {
                known = tasks.get(spec.taskId());
                if (known != null) {
                    return known.handle;
                }
                KubeApi.Created<V1PersistentVolumeClaim> created = api.createOrAdopt(built.claim(), spec.taskId());
                V1PersistentVolumeClaim claim = created.object();
                boolean adopted = created.adopted();
                Task t = new Task(spec.taskId(), handle(spec.taskId()), built.systemLogs(), built.phases(), claim);
                cleanedUp.remove(spec.taskId());
                if (!adopted) {
                    t.known.put(0, api.createOrAdopt(owned(t.plan.get(0), claim), spec.taskId()));
                }
                tasks.put(spec.taskId(), t);
                changed(spec.taskId());
                if (adopted) {
                    logTails.execute(() -> refresh(t, true));
                }
                return t.handle;
            } finally {
                submitLocks.remove(spec.taskId(), lock);
            }
        }
    }

    /** {@code job} owned by the task's claim: should the claim go, Kubernetes removes its Jobs too. */
    private static V1Job owned(V1Job job, V1PersistentVolumeClaim claim) {
        V1Job copy = new io.kubernetes.client.openapi.JSON().deserialize(JobManifest.json(job), V1Job.class);
        copy.getMetadata()
                .ownerReferences(List.of(new V1OwnerReference()
                        .apiVersion("v1")
                        .kind("PersistentVolumeClaim")
                        .name(claim.getMetadata().getName())
                        .uid(claim.getMetadata().getUid())));
        return copy;
    }

    private static TaskHandle handle(String taskId) {
        return new TaskHandle(taskId, KubernetesExecutorBackendProvider.NAME, JobNames.claimName(taskId));
    }

    /**
     * The task as its phase Jobs and Pods show it, mapped as the one-job strategy maps its Pod;
     * also creates the next phase's Job when the current one has succeeded. A terminal
     * observation is kept and returned unchanged. Never throws for an unreachable API server.
     */
    @Override
    public Observation observe(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!KubernetesExecutorBackendProvider.NAME.equals(handle.backend())) {
            return Observation.unknown("not a handle of the Kubernetes executor (backend '" + handle.backend() + "')");
        }
        Task t = tasks.get(handle.taskId());
        if (t != null && t.terminal() != null) {
            return t.terminal();
        }
        String claimName = JobNames.claimName(handle.taskId());
        if (t == null && cleanedUp.containsKey(handle.taskId())) {
            return Observation.unknown(
                    "task " + handle.taskId() + " was cleaned up: its Jobs and claim " + claimName + " are deleted");
        }
        try {
            if (t == null) {
                Optional<Task> found = recover(handle.taskId());
                if (found.isEmpty()) {
                    return Observation.unknown("no PersistentVolumeClaim " + claimName + " of a job-per-phase task in"
                            + " namespace '" + api.namespace() + "' (never submitted, or cleaned up)");
                }
                t = found.get();
            }
            return observe(t, !view.synced() || !t.seen);
        } catch (ApiException | ErgonException e) {
            return ObservationMapper.unreachable(t == null ? null : t.last, e);
        }
    }

    /** A task this process does not know: from its claim, whose annotation holds the phase Jobs. */
    private Optional<Task> recover(String taskId) throws ApiException {
        String name = JobNames.claimName(taskId);
        V1PersistentVolumeClaim claim;
        try {
            claim = api.call("read PersistentVolumeClaim " + name, () -> api.core
                    .readNamespacedPersistentVolumeClaim(name, api.namespace())
                    .execute());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        if (!taskId.equals(ClusterView.taskIdOf(claim.getMetadata()).orElse(null))) {
            return Optional.empty();
        }
        String encoded = claim.getMetadata().getAnnotations() == null
                ? null
                : claim.getMetadata().getAnnotations().get(JobNames.PLAN_ANNOTATION);
        if (encoded == null) {
            return Optional.empty();
        }
        List<V1Job> plan = new ArrayList<>();
        plan.add(null); // stage-in: never created again after a restart, so its Job is not needed
        plan.addAll(PhasePlan.decode(encoded));
        plan.set(0, stageInStandIn(taskId));
        Task t = tasks.computeIfAbsent(taskId, id -> new Task(id, handle(id), List.of(), plan, claim));
        return Optional.of(t);
    }

    /** Phase 0 as a restarted process needs it: its container's name and image, for messages. */
    private V1Job stageInStandIn(String taskId) {
        return new V1Job()
                .metadata(new io.kubernetes.client.openapi.models.V1ObjectMeta().name(JobNames.phaseJobName(taskId, 0)))
                .spec(new io.kubernetes.client.openapi.models.V1JobSpec()
                        .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec()
                                .spec(new io.kubernetes.client.openapi.models.V1PodSpec()
                                        .containers(List.of(new V1Container()
                                                .name(JobNames.STAGE_IN)
                                                .image(config.filerImage()))))));
    }

    private Observation observe(Task t, boolean direct) throws ApiException {
        synchronized (t) {
            if (t.terminal() != null) {
                return t.terminal();
            }
            Map<Integer, V1Job> jobs = snapshot(t, direct);
            if (jobs.isEmpty() && t.pods.isEmpty()) {
                if (t.seen) {
                    return t.end(new Observation(
                            Phase.SYSTEM_ERROR,
                            t.last == null ? List.of() : t.last.executors(),
                            List.of("the task's Jobs were deleted before Ergon saw it end (by someone else)")));
                }
                // The claim exists but no phase: a process stopped between the two creates. Go on.
                jobs.put(0, create(t, 0));
            }
            Composite c = PhaseChain.compose(new PhaseChain.Known(t.containers, jobs, t.pods));
            V1Job current = jobs.get(c.current());
            if (current != null
                    && !Boolean.TRUE.equals(
                            current.getSpec() == null ? null : current.getSpec().getSuspend())) {
                t.admitted.add(c.current());
            }
            Mapped m = map(t, c);
            if (!m.observation().phase().isTerminal()) {
                if (c.currentSucceeded() && c.current() < t.last() && !t.deleted) {
                    int next = c.current() + 1;
                    V1Job created = create(t, next);
                    jobs.put(next, created);
                    c = PhaseChain.compose(new PhaseChain.Known(t.containers, jobs, t.pods));
                    m = map(t, c);
                }
                wantLogs(t, m.logsWanted());
                t.last = m.observation();
                return m.observation();
            }
            if (!direct && missingPods(t, c.current())) {
                // A terminal observation is final: the view may show a Job's end before its Pod's.
                jobs = snapshot(t, true);
                c = PhaseChain.compose(new PhaseChain.Known(t.containers, jobs, t.pods));
                m = map(t, c);
            }
            if (!m.logsWanted().isEmpty()) {
                for (CompletableFuture<LogTail> f : wantLogs(t, m.logsWanted())) {
                    logTails.await(f);
                }
                m = map(t, c);
            }
            return t.end(m.observation());
        }
    }

    private static boolean missingPods(Task t, int upTo) {
        for (int i = 0; i <= upTo; i++) {
            V1Pod p = t.pods.get(i);
            if (p == null || (i < upTo && !ended(p, t.containers.get(i).getName()))) {
                return true; // not seen, or seen only before its end: its exit code would be guessed
            }
        }
        return false;
    }

    private V1Job create(Task t, int phase) {
        V1Job job = t.known.get(phase);
        if (job == null) {
            job = api.createOrAdopt(owned(t.plan.get(phase), t.claim), t.taskId);
            t.known.put(phase, job);
        }
        return job;
    }

    private List<CompletableFuture<LogTail>> wantLogs(Task t, Set<String> containers) {
        List<CompletableFuture<LogTail>> out = new ArrayList<>();
        for (String c : containers) {
            V1Pod pod = t.pods.get(PhaseChain.indexOf(t.containers, c));
            if (pod != null) {
                out.add(logTails.future(t.logs, t.taskId, pod, c));
            }
        }
        return out;
    }

    private Mapped map(Task t, Composite c) {
        Map<String, LogTail> logs = new HashMap<>();
        t.pods.values().forEach(p -> logs.putAll(LogTails.fetched(t.logs, p)));
        return ObservationMapper.map(new Facts(
                c.job(),
                c.pod(),
                Optional.empty(),
                t.admitted.contains(c.current()),
                logs,
                KubernetesExecutorBackend.baseLogs(t.submitLogs, c.job()),
                clock.instant(),
                config.imagePullGrace()));
    }

    /** The task's phase Jobs, from the view (or the API when {@code direct}); notes their newest Pods. */
    private Map<Integer, V1Job> snapshot(Task t, boolean direct) throws ApiException {
        Map<Integer, V1Job> jobs = new HashMap<>();
        List<V1Pod> pods;
        if (direct) {
            String selector = JobNames.SELECTOR + "," + JobNames.TASK_ID_LABEL + "=" + t.label;
            for (V1Job j : api.call("list the Jobs of task " + t.taskId, () -> api.batch
                            .listNamespacedJob(api.namespace())
                            .labelSelector(selector)
                            .execute())
                    .getItems()) {
                int i = phaseOf(t, j.getMetadata().getName());
                if (i >= 0
                        && t.taskId.equals(ClusterView.taskIdOf(j.getMetadata()).orElse(null))) {
                    jobs.put(i, j);
                    t.known.put(i, j);
                }
            }
            pods = api.call("list the Pods of task " + t.taskId, () -> api.core
                            .listNamespacedPod(api.namespace())
                            .labelSelector(selector)
                            .execute())
                    .getItems();
            if (!jobs.isEmpty()) {
                t.seen = true;
            }
        } else {
            for (int i = 0; i <= t.last(); i++) {
                Optional<V1Job> j = view.job(JobNames.phaseJobName(t.taskId, i));
                if (j.isPresent()) {
                    jobs.put(i, j.get());
                    t.seen = true;
                } else if (t.known.containsKey(i) && !t.deleted) {
                    jobs.put(i, t.known.get(i)); // the view has not caught up with our create
                }
            }
            pods = view.pods(t.label);
        }
        Map<Integer, List<V1Pod>> byPhase = new HashMap<>();
        for (V1Pod p : pods) {
            String job = p.getMetadata().getLabels() == null
                    ? null
                    : p.getMetadata().getLabels().get(JobNames.JOB_NAME_LABEL);
            int i = phaseOf(t, job);
            if (i >= 0) {
                byPhase.computeIfAbsent(i, k -> new ArrayList<>()).add(p);
            }
        }
        byPhase.forEach((i, list) -> ClusterView.newest(list).ifPresent(p -> note(t, i, p)));
        return jobs;
    }

    /** Keeps {@code pod} as phase {@code i}'s, unless it is an older picture of the one kept. */
    private static void note(Task t, int i, V1Pod pod) {
        t.pods.merge(i, pod, (old, now) -> {
            boolean samePod = LogTails.uid(old).equals(LogTails.uid(now));
            return samePod
                            && ended(old, t.containers.get(i).getName())
                            && !ended(now, t.containers.get(i).getName())
                    ? old
                    : now;
        });
    }

    private static boolean ended(V1Pod pod, String container) {
        V1ContainerStatus s = ObservationMapper.statuses(pod).get(container);
        return s != null && s.getState() != null && s.getState().getTerminated() != null;
    }

    private static int phaseOf(Task t, String jobName) {
        if (jobName == null) {
            return -1;
        }
        for (int i = 0; i <= t.last(); i++) {
            if (jobName.equals(JobNames.phaseJobName(t.taskId, i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Deletes every Job of the task with foreground propagation (Kubernetes stops the running
     * phase's container), then its claim. CANCELED as soon as the deletes are accepted; a no-op
     * for an ended or unknown task.
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
            return;
        }
        Task t = tasks.get(handle.taskId());
        if (t == null) {
            return;
        }
        synchronized (t) {
            if (t.terminal() != null) {
                return;
            }
            t.deleted = true;
            deleteAll(t, "Foreground");
            List<String> logs = new ArrayList<>(now.systemLogs());
            logs.add("canceled: the task's Jobs and its claim were deleted");
            t.end(new Observation(Phase.CANCELED, now.executors(), logs));
        }
        changed(handle.taskId());
    }

    /** Deletes the Jobs the API lists for the task (and any this process created), then the claim. */
    private void deleteAll(Task t, String propagation) {
        Set<String> names = new java.util.TreeSet<>();
        t.known.keySet().forEach(i -> names.add(JobNames.phaseJobName(t.taskId, i)));
        try {
            String selector = JobNames.SELECTOR + "," + JobNames.TASK_ID_LABEL + "=" + t.label;
            api
                    .call("list the Jobs of task " + t.taskId, () -> api.batch
                            .listNamespacedJob(api.namespace())
                            .labelSelector(selector)
                            .execute())
                    .getItems()
                    .stream()
                    .filter(j -> t.taskId.equals(
                            ClusterView.taskIdOf(j.getMetadata()).orElse(null)))
                    .forEach(j -> names.add(j.getMetadata().getName()));
        } catch (ApiException e) {
            LOG.log(Level.DEBUG, "Task " + t.taskId + ": listing its Jobs failed: " + KubeApi.describe(e));
        }
        for (String n : names) {
            api.deleteJob(n, propagation);
        }
        api.deleteClaim(JobNames.claimName(t.taskId));
    }

    /**
     * Forgets the task and deletes its Jobs and claim (none when cancel deleted them already).
     * Idempotent. An API failure is logged, not thrown.
     */
    @Override
    public void cleanup(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!KubernetesExecutorBackendProvider.NAME.equals(handle.backend())) {
            return;
        }
        Instant now = Instant.now();
        cleanedUp.values().removeIf(i -> i.isBefore(now.minus(CLEANED_UP_MEMORY)));
        boolean again = cleanedUp.putIfAbsent(handle.taskId(), now) != null;
        Task t = tasks.remove(handle.taskId());
        if (again || (t != null && t.deleted)) {
            return;
        }
        try {
            Task target = t != null ? t : recover(handle.taskId()).orElse(null);
            tasks.remove(handle.taskId());
            if (target != null) {
                target.deleted = true;
                deleteAll(target, "Background");
            }
        } catch (ApiException | ErgonException e) {
            String why = e instanceof ApiException a ? KubeApi.describe(a) : e.getMessage();
            LOG.log(Level.WARNING, "Task {0}: could not clean up its Jobs and claim: {1}", handle.taskId(), why);
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

    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("namespace", api.namespace());
        info.put("server", api.server());
        info.put("strategy", KubernetesExecutorBackendConfig.Strategy.JOB_PER_PHASE.key);
        info.put("observe", view.describe() + (signals.isPresent() ? " + phase events" : ""));
        config.kueueQueueName().ifPresent(q -> info.put("kueue-queue", q));
        info.put("storage", "pvc");
        return Collections.unmodifiableMap(info);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        signals.ifPresent(EventBus.Subscription::close);
        view.close();
        logTails.close();
        api.close();
    }

    // ---- changes ----

    private void onChange(String taskId) {
        Task t = tasks.get(taskId);
        if (t != null && t.terminal() == null && !closed.get()) {
            logTails.execute(() -> refresh(t, false));
        }
        changed(taskId);
    }

    /**
     * A phase container announced its success: read the task from the API now, and again shortly
     * until its Pod shows the end (the container publishes just before it exits), rather than
     * waiting for the watch or the next poll. Only a wake-up: what the API says decides. Anyone
     * who can publish on the bus can send one, so junk (another type, no phase number, a phase the
     * task does not have) is dropped without an API call, and a task this process does not follow
     * only wakes its listeners (its controller observes it as usual).
     */
    private void onSignal(Event e) {
        Optional<Integer> phase = PhaseSignals.succeededPhase(e);
        if (phase.isEmpty() || closed.get()) {
            return;
        }
        Task t = tasks.get(e.id());
        if (t == null) {
            changed(e.id());
            return;
        }
        int i = phase.get();
        if (i < 0 || i > t.last()) {
            return;
        }
        logTails.execute(() -> {
            for (int n = 0; n < SIGNAL_READS && t.terminal() == null && !closed.get(); n++) {
                refresh(t, true);
                V1Pod p = t.pods.get(i);
                if (t.known.containsKey(i + 1)
                        || (p != null && ended(p, t.containers.get(i).getName()))) {
                    break;
                }
                try {
                    Thread.sleep(SIGNAL_READ_INTERVAL);
                } catch (InterruptedException ex) {
                    return;
                }
            }
            changed(t.taskId);
        });
    }

    private void refresh(Task t, boolean direct) {
        try {
            if (t.terminal() == null) {
                observe(t, direct);
            }
        } catch (ApiException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Task " + t.taskId + ": " + e);
        }
    }

    private void changed(String taskId) {
        for (ObservationListener l : listeners) {
            try {
                l.changed(taskId);
            } catch (RuntimeException e) {
                // Ignored: Ergon polls as well.
            }
        }
    }
}
