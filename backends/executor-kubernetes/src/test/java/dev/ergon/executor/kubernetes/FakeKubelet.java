package dev.ergon.executor.kubernetes;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The fake cluster's control plane and node, talking to the fake API server through the same
 * official client as the backend: a Job controller (Pods for unsuspended Jobs, Job status and
 * conditions, suspension, {@code activeDeadlineSeconds} and {@code ttlSecondsAfterFinished} against
 * the {@link FakeClock}), a kubelet (walks each Pod's init containers in order, then its main
 * container, each as its scripted {@link Behaviour}, stopping at the first failure; container
 * statuses, exit codes, termination messages, logs), garbage collection (the Pods of deleted Jobs)
 * and a test Kueue (admit by unsuspending, preempt by suspending again).
 *
 * <p>Deterministic: one {@link #step()} lists everything, advances each Job and each Pod by at
 * most one transition, in name order, and writes the result. Steps run one at a time (the class is
 * its own lock); a daemon thread steps whenever the API server saw a write, a container ended, or
 * a test called {@link #wake()}, and otherwise every {@code idle} period.
 */
final class FakeKubelet implements AutoCloseable {
    static final String USER_AGENT = "ergon-fake-kubelet";
    static final String NODE = "fake-node-1";

    private final FakeApiServer server;
    private final FakeClock clock;
    private final Function<V1Container, Behaviour> behaviours;
    private final Path scratch;
    private final BatchV1Api batch;
    private final CoreV1Api core;
    /** Started containers by {@code <pod uid>/<container>}. */
    private final Map<String, Behaviour.Run> runs = new ConcurrentHashMap<>();
    /** Behaviour instances by {@code <pod uid>/<container>}, so a scripted behaviour keeps its state across steps. */
    private final Map<String, Behaviour> started = new ConcurrentHashMap<>();

    /** The claims as of the last step, by {@code namespace/name}. */
    private volatile Map<String, V1PersistentVolumeClaim> claims = Map.of();

    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean stopped;
    private final Thread loop;

    FakeKubelet(FakeApiServer server, FakeClock clock, Function<V1Container, Behaviour> behaviours, Path scratch) {
        this.server = server;
        this.clock = clock;
        this.behaviours = behaviours;
        this.scratch = scratch;
        ApiClient c = new ClientBuilder().setBasePath(server.url()).build();
        c.setUserAgent(USER_AGENT);
        this.batch = new BatchV1Api(c);
        this.core = new CoreV1Api(c);
        server.onWrite(this::wake);
        this.loop = Thread.ofPlatform().daemon().name("fake-kubelet").start(this::run);
    }

    /** Makes the loop step now. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!stopped) {
            boolean progressed;
            try {
                progressed = step();
            } catch (RuntimeException | ApiException e) {
                if (Boolean.getBoolean("fake.debug")) {
                    e.printStackTrace();
                }
                progressed = false;
            }
            if (progressed) {
                continue;
            }
            synchronized (signal) {
                if (!woken) {
                    try {
                        signal.wait(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** One pass over every Job and Pod; whether anything changed. */
    synchronized boolean step() throws ApiException {
        List<V1Job> jobs =
                new ArrayList<>(batch.listJobForAllNamespaces().execute().getItems());
        List<V1Pod> pods =
                new ArrayList<>(core.listPodForAllNamespaces().execute().getItems());
        jobs.sort(Comparator.comparing(FakeKubelet::key));
        pods.sort(Comparator.comparing(FakeKubelet::key));
        List<V1PersistentVolumeClaim> claimList =
                core.listPersistentVolumeClaimForAllNamespaces().execute().getItems();
        Map<String, V1PersistentVolumeClaim> claimsNow = new HashMap<>();
        claimList.forEach(c -> claimsNow.put(key(c.getMetadata()), c));
        claims = claimsNow;
        boolean progressed = false;
        Set<String> claimUids = new HashSet<>();
        claimList.forEach(c -> claimUids.add(c.getMetadata().getUid()));
        for (V1Job j : new ArrayList<>(jobs)) {
            List<V1OwnerReference> owners = j.getMetadata().getOwnerReferences();
            boolean orphan = owners != null
                    && owners.stream()
                            .anyMatch(o ->
                                    "PersistentVolumeClaim".equals(o.getKind()) && !claimUids.contains(o.getUid()));
            if (orphan) {
                // garbage collection: the Job's owner (its task's claim) is gone
                batch.deleteNamespacedJob(
                                j.getMetadata().getName(), j.getMetadata().getNamespace())
                        .execute();
                jobs.remove(j);
                progressed = true;
            }
        }
        Map<String, V1Job> jobsByKey = new HashMap<>();
        jobs.forEach(j -> jobsByKey.put(key(j.getMetadata()), j));
        for (V1Pod p : pods) {
            String owner = p.getMetadata().getLabels() == null
                    ? null
                    : p.getMetadata().getLabels().get(JobNames.JOB_NAME_LABEL);
            if (owner != null && !jobsByKey.containsKey(p.getMetadata().getNamespace() + "/" + owner)) {
                deletePod(p); // garbage collection: the mock has none
                progressed = true;
            }
        }
        // Pods by owning Job, in one pass, so a step costs O(jobs + pods), not O(jobs × pods).
        Map<String, List<V1Pod>> podsByJob = new HashMap<>();
        for (V1Pod p : pods) {
            String owner = p.getMetadata().getLabels() == null
                    ? null
                    : p.getMetadata().getLabels().get(JobNames.JOB_NAME_LABEL);
            if (owner != null) {
                podsByJob
                        .computeIfAbsent(p.getMetadata().getNamespace() + "/" + owner, k -> new ArrayList<>())
                        .add(p);
            }
        }
        for (V1Job j : jobs) {
            List<V1Pod> own = podsByJob.getOrDefault(key(j.getMetadata()), List.of());
            progressed |= jobController(j, own);
        }
        for (V1Pod p : pods) {
            String owner = p.getMetadata().getLabels() == null
                    ? null
                    : p.getMetadata().getLabels().get(JobNames.JOB_NAME_LABEL);
            if (owner == null || jobsByKey.containsKey(p.getMetadata().getNamespace() + "/" + owner)) {
                progressed |= kubelet(p);
            }
        }
        progressed |= collectClaimData(claimUids, pods);
        return progressed;
    }

    /** Deletes the data of claims that are gone (a real cluster deletes the volume with its claim). */
    private boolean collectClaimData(Set<String> claimUids, List<V1Pod> pods) {
        Path root = scratch.resolve("claims");
        if (!Files.isDirectory(root)) {
            return false;
        }
        boolean progressed = false;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                if (!claimUids.contains(d.getFileName().toString())) {
                    deleteTree(d);
                    progressed = true;
                }
            }
        } catch (IOException e) {
            // best effort
        }
        return progressed;
    }

    // ---- the Job controller ----

    private boolean jobController(V1Job job, List<V1Pod> pods) throws ApiException {
        V1JobStatus st = job.getStatus() == null ? new V1JobStatus() : job.getStatus();
        job.setStatus(st);
        Instant now = clock.instant();
        Optional<V1JobCondition> finished = cond(st, "Complete").or(() -> cond(st, "Failed"));
        if (finished.isPresent()) {
            Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
            OffsetDateTime at = finished.get().getLastTransitionTime();
            if (ttl != null && at != null && !at.toInstant().plusSeconds(ttl).isAfter(now)) {
                batch.deleteNamespacedJob(
                                job.getMetadata().getName(), job.getMetadata().getNamespace())
                        .execute();
                return true;
            }
            return false;
        }
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            boolean changed = false;
            if (cond(st, "Suspended").isEmpty()) {
                setCondition(st, "Suspended", "True", "JobSuspended", "Job suspended");
                changed = true;
            }
            for (V1Pod p : pods) {
                deletePod(p);
                changed = true;
            }
            if (st.getActive() != null && st.getActive() > 0) {
                st.setActive(0);
                changed = true;
            }
            if (st.getStartTime() != null) {
                st.setStartTime(null); // as Kueue does when it stops a Job
                changed = true;
            }
            return changed && updateJob(job);
        }
        if (cond(st, "Suspended").isPresent()) {
            setCondition(st, "Suspended", "False", "JobResumed", "Job resumed");
            st.setStartTime(time(now));
            return updateJob(job);
        }
        Long deadline = job.getSpec().getActiveDeadlineSeconds();
        if (deadline != null
                && st.getStartTime() != null
                && !st.getStartTime().toInstant().plusSeconds(deadline).isAfter(now)) {
            for (V1Pod p : pods) {
                deletePod(p);
            }
            st.setActive(0);
            st.setFailed((st.getFailed() == null ? 0 : st.getFailed()) + pods.size());
            setCondition(
                    st, "FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline");
            setCondition(st, "Failed", "True", "DeadlineExceeded", "Job was active longer than specified deadline");
            return updateJob(job);
        }
        if (pods.isEmpty()) {
            if (st.getActive() != null && st.getActive() > 0) {
                // Its Pod vanished while active (deleted, node lost): with backoffLimit 0 that fails the Job.
                st.setActive(0);
                st.setFailed(1);
                setCondition(
                        st, "Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
                return updateJob(job);
            }
            createPod(job);
            st.setActive(1);
            if (st.getStartTime() == null) {
                st.setStartTime(time(now));
            }
            return updateJob(job);
        }
        V1Pod pod = pods.get(0);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            st.setActive(0);
            st.setSucceeded(1);
            st.setCompletionTime(time(now));
            setCondition(
                    st,
                    "SuccessCriteriaMet",
                    "True",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods");
            setCondition(st, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods");
            return updateJob(job);
        }
        if ("Failed".equals(phase)) {
            st.setActive(0);
            st.setFailed(1);
            setCondition(
                    st, "FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
            setCondition(st, "Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
            return updateJob(job);
        }
        return false;
    }

    private void createPod(V1Job job) throws ApiException {
        V1ObjectMeta jm = job.getMetadata();
        Map<String, String> labels = new TreeMap<>();
        if (job.getSpec().getTemplate().getMetadata() != null
                && job.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(job.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(JobNames.JOB_NAME_LABEL, jm.getName());
        labels.put(JobNames.LEGACY_JOB_NAME_LABEL, jm.getName());
        labels.put("batch.kubernetes.io/controller-uid", jm.getUid());
        labels.put("controller-uid", jm.getUid());
        Map<String, String> annotations = job.getSpec().getTemplate().getMetadata() == null
                        || job.getSpec().getTemplate().getMetadata().getAnnotations() == null
                ? Map.of()
                : job.getSpec().getTemplate().getMetadata().getAnnotations();
        V1Pod pod = new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(new V1ObjectMeta()
                        .name(jm.getName() + "-" + suffix(jm.getUid()))
                        .namespace(jm.getNamespace())
                        .labels(labels)
                        .annotations(new TreeMap<>(annotations))
                        .ownerReferences(List.of(new V1OwnerReference()
                                .apiVersion("batch/v1")
                                .kind("Job")
                                .name(jm.getName())
                                .uid(jm.getUid())
                                .controller(true)
                                .blockOwnerDeletion(true))))
                .spec(job.getSpec().getTemplate().getSpec());
        core.createNamespacedPod(jm.getNamespace(), pod).execute();
    }

    private boolean updateJob(V1Job job) throws ApiException {
        try {
            batch.replaceNamespacedJobStatus(
                            job.getMetadata().getName(), job.getMetadata().getNamespace(), job)
                    .execute();
        } catch (ApiException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
        return true;
    }

    // ---- the kubelet ----

    private boolean kubelet(V1Pod pod) throws ApiException {
        V1PodStatus st = pod.getStatus();
        if (st == null || st.getPhase() == null || st.getPhase().isEmpty()) {
            schedule(pod);
            return true;
        }
        boolean unschedulable = st.getConditions() != null
                && st.getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
        if (unschedulable) {
            if (missingClaim(pod).isPresent()) {
                return false;
            }
            pod.setStatus(null);
            schedule(pod);
            return true;
        }
        if (st.getPhase().equals("Succeeded") || st.getPhase().equals("Failed")) {
            return false;
        }
        List<V1Container> order = new ArrayList<>();
        List<V1Container> init = pod.getSpec().getInitContainers() == null
                ? List.of()
                : pod.getSpec().getInitContainers();
        order.addAll(init);
        order.addAll(pod.getSpec().getContainers());
        Map<String, V1ContainerStatus> statuses = ObservationMapper.statuses(pod);
        for (V1Container c : order) {
            V1ContainerStatus cs = statuses.get(c.getName());
            if (cs.getState() != null && cs.getState().getTerminated() != null) {
                continue;
            }
            boolean isInit = init.contains(c);
            String key = pod.getMetadata().getUid() + "/" + c.getName();
            Behaviour.Run run = runs.get(key);
            if (run == null) {
                Behaviour b = started.computeIfAbsent(key, k -> behaviours.apply(c));
                Behaviour.Start start = b.start(new Behaviour.Context(pod, c, volume(pod), scratch, this::wake));
                if (start instanceof Behaviour.Waiting w) {
                    V1ContainerStateWaiting now =
                            cs.getState() == null ? null : cs.getState().getWaiting();
                    if (now != null && w.reason().equals(now.getReason())) {
                        return false;
                    }
                    cs.setState(new V1ContainerState()
                            .waiting(new V1ContainerStateWaiting()
                                    .reason(w.reason())
                                    .message(w.message())));
                    return updatePod(pod);
                }
                runs.put(key, ((Behaviour.Started) start).run());
                cs.setState(
                        new V1ContainerState().running(new V1ContainerStateRunning().startedAt(time(clock.instant()))));
                cs.setStarted(true);
                if (!isInit) {
                    st.setPhase("Running");
                    setPodCondition(st, "Initialized", "True", null);
                }
                return updatePod(pod);
            }
            Behaviour.Poll poll = run.poll();
            if (poll instanceof Behaviour.Running) {
                return false;
            }
            runs.remove(key);
            OffsetDateTime startedAt = cs.getState().getRunning() == null
                    ? time(clock.instant())
                    : cs.getState().getRunning().getStartedAt();
            if (poll instanceof Behaviour.Evict ev) {
                cs.setState(new V1ContainerState()
                        .terminated(new V1ContainerStateTerminated()
                                .exitCode(137)
                                .reason("Error")
                                .startedAt(startedAt)
                                .finishedAt(time(clock.instant()))));
                st.setPhase("Failed");
                st.setReason("Evicted");
                st.setMessage(ev.message());
                setPodCondition(st, "DisruptionTarget", "True", "TerminationByKubelet");
                killAll(pod);
                return updatePod(pod);
            }
            Behaviour.Exited ex = (Behaviour.Exited) poll;
            server.putLog(
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    c.getName(),
                    new FakeApiServer.Log(ex.stdout(), ex.stderr(), ex.all()));
            cs.setState(new V1ContainerState()
                    .terminated(new V1ContainerStateTerminated()
                            .exitCode(ex.exitCode())
                            .reason(ex.reason())
                            .message(ex.message())
                            .startedAt(startedAt)
                            .finishedAt(time(clock.instant()))));
            cs.setStarted(false);
            if (ex.exitCode() != 0) {
                st.setPhase("Failed"); // restartPolicy Never: the Pod fails at its first failing container
            } else if (!isInit) {
                st.setPhase("Succeeded");
            }
            return updatePod(pod);
        }
        return false;
    }

    /** The scheduler and the kubelet's first status: bound to the node, all containers waiting. */
    private void schedule(V1Pod pod) throws ApiException {
        Optional<String> missing = missingClaim(pod);
        if (missing.isPresent()) {
            // The scheduler does not place a Pod whose claim does not exist.
            V1PodStatus st = new V1PodStatus().phase("Pending");
            st.setConditions(List.of(new V1PodCondition()
                    .type("PodScheduled")
                    .status("False")
                    .reason("Unschedulable")
                    .message("persistentvolumeclaim \"" + missing.get() + "\" not found")
                    .lastTransitionTime(time(clock.instant()))));
            pod.setStatus(st);
            updatePod(pod);
            return;
        }
        pod.getSpec().setNodeName(NODE);
        V1PodStatus st = new V1PodStatus()
                .phase("Pending")
                .startTime(time(clock.instant()))
                .hostIP("10.0.0.1");
        setPodCondition(st, "PodScheduled", "True", null);
        setPodCondition(st, "Initialized", "False", "ContainersNotInitialized");
        List<V1ContainerStatus> init = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            for (V1Container c : pod.getSpec().getInitContainers()) {
                init.add(waiting(c));
            }
        }
        List<V1ContainerStatus> main = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            main.add(waiting(c));
        }
        st.setInitContainerStatuses(init);
        st.setContainerStatuses(main);
        pod.setStatus(st);
        updatePod(pod);
    }

    private static V1ContainerStatus waiting(V1Container c) {
        return new V1ContainerStatus()
                .name(c.getName())
                .image(c.getImage())
                .imageID("")
                .ready(false)
                .restartCount(0)
                .started(false)
                .state(new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("PodInitializing")));
    }

    private boolean updatePod(V1Pod pod) throws ApiException {
        try {
            core.replaceNamespacedPodStatus(
                            pod.getMetadata().getName(), pod.getMetadata().getNamespace(), pod)
                    .execute();
        } catch (ApiException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
        return true;
    }

    private void deletePod(V1Pod pod) throws ApiException {
        killAll(pod);
        try {
            core.deleteNamespacedPod(
                            pod.getMetadata().getName(), pod.getMetadata().getNamespace())
                    .execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        deleteTree(scratch.resolve("pods").resolve(pod.getMetadata().getUid()));
    }

    private void killAll(V1Pod pod) {
        String prefix = pod.getMetadata().getUid() + "/";
        runs.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(prefix)) {
                e.getValue().kill();
                return true;
            }
            return false;
        });
        started.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** The claim of the Pod's volume that does not exist, if one does not. */
    private Optional<String> missingClaim(V1Pod pod) {
        return claimOf(pod).filter(c -> !claims.containsKey(pod.getMetadata().getNamespace() + "/" + c));
    }

    private static Optional<String> claimOf(V1Pod pod) {
        if (pod.getSpec().getVolumes() == null) {
            return Optional.empty();
        }
        return pod.getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName())
                .findFirst();
    }

    /**
     * The Pod's {@code work} volume on the host: its own folder (emptyDir, ephemeral volume), or
     * the folder of its PersistentVolumeClaim, which every Pod mounting that claim shares.
     */
    private Path volume(V1Pod pod) {
        Optional<V1PersistentVolumeClaim> claim =
                claimOf(pod).map(c -> claims.get(pod.getMetadata().getNamespace() + "/" + c));
        Path p = claim.isPresent()
                ? scratch.resolve("claims").resolve(claim.get().getMetadata().getUid())
                : scratch.resolve("pods").resolve(pod.getMetadata().getUid()).resolve("work");
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    // ---- the test Kueue ----

    /** Kueue admits the Job: {@code spec.suspend=false}. */
    synchronized void admit(String namespace, String job) throws ApiException {
        mergePatch(namespace, job, "{\"spec\":{\"suspend\":false}}");
    }

    /** Kueue preempts the Job: {@code spec.suspend=true}; the Job controller then deletes its Pod. */
    synchronized void preempt(String namespace, String job) throws ApiException {
        mergePatch(namespace, job, "{\"spec\":{\"suspend\":true}}");
    }

    /** A JSON merge patch (the mock refuses strategic-merge-patch, the client's default). */
    private void mergePatch(String namespace, String job, String patch) throws ApiException {
        PatchUtils.patch(
                V1Job.class,
                () -> batch.patchNamespacedJob(job, namespace, new V1Patch(patch))
                        .buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                batch.getApiClient());
    }

    @Override
    public void close() {
        stopped = true;
        wake();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.values().forEach(Behaviour.Run::kill);
        runs.clear();
    }

    // ---- helpers ----

    private static Optional<V1JobCondition> cond(V1JobStatus st, String type) {
        if (st.getConditions() == null) {
            return Optional.empty();
        }
        return st.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private void setCondition(V1JobStatus st, String type, String status, String reason, String message) {
        List<V1JobCondition> list = new ArrayList<>(st.getConditions() == null ? List.of() : st.getConditions());
        list.removeIf(c -> type.equals(c.getType()));
        OffsetDateTime now = time(clock.instant());
        list.add(new V1JobCondition()
                .type(type)
                .status(status)
                .reason(reason)
                .message(message)
                .lastProbeTime(now)
                .lastTransitionTime(now));
        st.setConditions(list);
    }

    private void setPodCondition(V1PodStatus st, String type, String status, String reason) {
        List<V1PodCondition> list = new ArrayList<>(st.getConditions() == null ? List.of() : st.getConditions());
        list.removeIf(c -> type.equals(c.getType()));
        list.add(new V1PodCondition()
                .type(type)
                .status(status)
                .reason(reason)
                .lastTransitionTime(time(clock.instant())));
        st.setConditions(list);
    }

    /** Kubernetes timestamps have whole seconds. */
    private static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    }

    private static String key(V1ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private static String key(V1Job j) {
        return key(j.getMetadata());
    }

    private static String key(V1Pod p) {
        return key(p.getMetadata());
    }

    /** Five characters from the Job's uid, like the random suffix the Job controller gives its Pods, but reproducible. */
    private static String suffix(String uid) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(uid).getBytes(StandardCharsets.UTF_8));
            StringBuilder s = new StringBuilder();
            String alphabet = "bcdfghjklmnpqrstvwxz2456789";
            for (int i = 0; i < 5; i++) {
                s.append(alphabet.charAt((d[i] & 0xff) % alphabet.length()));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
