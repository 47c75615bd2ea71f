package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.Eventually;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes executor against the shared fake cluster: the lifecycle of a task's Job, failures
 * of every kind, Kueue, cancel, restarts of Ergon, and a misbehaving API server. Scripted images
 * ({@link Behaviour}) make each scenario exact; unscripted ones run their commands for real.
 */
class KubernetesExecutorBackendTest {
    private static final FakeCluster CLUSTER = FakeCluster.shared();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static String ns;
    private static ExecutorBackend backend;
    private final List<ExecutorBackend> others = new ArrayList<>();
    private final List<TaskHandle> submitted = new ArrayList<>();

    @BeforeAll
    static void createBackend() {
        ns = CLUSTER.newNamespace();
        backend = CLUSTER.backend(ns, Map.of());
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @AfterEach
    void cleanUp() {
        for (TaskHandle h : submitted) {
            backend.cancel(h);
            backend.cleanup(h);
        }
        others.forEach(ExecutorBackend::close);
    }

    private ExecutorBackend another(String namespace, Map<String, String> config) {
        ExecutorBackend b = CLUSTER.backend(namespace, config);
        others.add(b);
        return b;
    }

    private TaskHandle submit(ExecutorBackend b, TaskSpec spec) {
        TaskHandle h = b.submit(spec);
        if (b == backend) {
            submitted.add(h);
        }
        return h;
    }

    /** A fresh image name that behaves as {@code b}. */
    private static String image(String what, Behaviour b) {
        String image = "test/" + what + ":" + UUID.randomUUID().toString().substring(0, 8);
        CLUSTER.script(image, b);
        return image;
    }

    private static Observation awaitTerminal(ExecutorBackend b, TaskHandle h) {
        return Eventually.get(TIMEOUT, "task " + h.taskId() + " to end", () -> {
            Observation o = b.observe(h);
            return o.phase().isTerminal() ? o : null;
        });
    }

    private static Observation awaitPhase(ExecutorBackend b, TaskHandle h, Phase phase) {
        Observation o = Eventually.get(TIMEOUT, "task " + h.taskId() + " in " + phase, () -> {
            Observation now = b.observe(h);
            return now.phase() == phase || now.phase().isTerminal() ? now : null;
        });
        assertEquals(phase, o.phase(), () -> "phase of " + o);
        return o;
    }

    private static void assertLog(Observation o, String part) {
        assertTrue(
                o.systemLogs().stream().anyMatch(l -> l.contains(part)),
                "no system log line with '" + part + "': " + o);
    }

    private static BatchV1Api batch() {
        return new BatchV1Api(
                new ClientBuilder().setBasePath(CLUSTER.api().url()).build());
    }

    private static List<V1Pod> podsOf(String namespace, String job) throws ApiException {
        return new CoreV1Api(
                        new ClientBuilder().setBasePath(CLUSTER.api().url()).build())
                .listNamespacedPod(namespace)
                .labelSelector(JobNames.JOB_NAME_LABEL + "=" + job)
                .execute()
                .getItems();
    }

    private static boolean jobExists(String namespace, String job) {
        try {
            batch().readNamespacedJob(job, namespace).execute();
            return true;
        } catch (ApiException e) {
            return e.getCode() != 404;
        }
    }

    // ---- the lifecycle ----

    @Test
    void aTaskStagesItsInputsRunsAndStagesItsOutputs(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("input.txt"), "from a file\n");
        Path output = dir.resolve("results/out.txt");
        TaskSpec spec = TestTasks.task()
                .content("hello from tes\n", "/data/in.txt")
                .input(input.toUri().toString(), "/refs/input.txt")
                .output("/data/out.txt", output.toUri().toString())
                .executor(TestTasks.shell("tr a-z A-Z < /data/in.txt > /data/out.txt; cat /refs/input.txt"))
                .executor(TestTasks.executor("cat", "/data/out.txt"))
                .build();
        TaskHandle h = submit(backend, spec);
        assertEquals(new TaskHandle(spec.taskId(), "kubernetes", JobNames.jobName(spec.taskId())), h);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("from a file\n", o.executors().get(0).stdout());
        assertEquals("HELLO FROM TES\n", o.executors().get(1).stdout());
        assertEquals(
                "HELLO FROM TES\n", Files.readString(output, StandardCharsets.UTF_8), "stage-out copied the output");
    }

    @Test
    void aFailingExecutorStopsTheChain() throws ApiException {
        String fails = image("fails", Behaviour.exit(5, "", "no such sample\n"));
        String never = image("never", Behaviour.exit(0, "ran anyway\n", ""));
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("call-variants").image(fails))
                .executor(TestTasks.executor("report").image(never))
                .build();
        TaskHandle h = submit(backend, spec);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.EXECUTOR_ERROR, o.phase(), o::toString);
        assertEquals(1, o.executors().size(), o::toString);
        assertEquals(5, o.executors().get(0).exitCode().getAsInt());
        assertEquals("no such sample\n", o.executors().get(0).stderr());
        assertLog(o, "executors[0] exited with code 5; later executors did not run");
        V1Pod pod = podsOf(ns, h.ref()).get(0);
        assertEquals("Failed", pod.getStatus().getPhase());
        assertEquals(
                "PodInitializing",
                ObservationMapper.statuses(pod)
                        .get("exec-1")
                        .getState()
                        .getWaiting()
                        .getReason(),
                "exec-1 never started");
    }

    @Test
    void ignoreErrorGoesOnAndRecordsTheRealExitCode() {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.shell("echo trying; exit 7").ignoreError())
                .executor(TestTasks.shell("echo after"))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals(7, o.executors().get(0).exitCode().getAsInt());
        assertEquals("trying\n", o.executors().get(0).stdout());
        assertLog(o, "executors[0] exited with code 7; ignored (ignore_error)");
    }

    @Test
    void logsAreReadAsEachExecutorEnds() {
        CountDownLatch gate = new CountDownLatch(1);
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.shell("echo first"))
                .executor(TestTasks.executor("wait").image(image("gate", Behaviour.gate(gate, "second\n"))))
                .build();
        TaskHandle h = submit(backend, spec);
        Observation running = Eventually.get(TIMEOUT, "executor 0's tail while executor 1 runs", () -> {
            Observation o = backend.observe(h);
            return o.phase() == Phase.RUNNING
                            && o.executors().size() == 2
                            && o.executors().get(0).stdout().equals("first\n")
                    ? o
                    : null;
        });
        assertTrue(running.executors().get(1).exitCode().isEmpty());
        gate.countDown();
        CLUSTER.wake();
        assertEquals("second\n", awaitTerminal(backend, h).executors().get(1).stdout());
    }

    @Test
    void aTaskThatEndedIsStillCompleteAfterTheTtlRemovedItsJob() {
        // A TTL far longer than a test's real-time wait (the fake clock is real time plus an offset),
        // so the finished Job is seen before the TTL passes, however slow the machine; then jump.
        ExecutorBackend b = another(ns, Map.of("ttl-after-finished", "600s"));
        TaskSpec spec = TestTasks.task().executor(TestTasks.shell("echo kept")).build();
        TaskHandle h = submit(b, spec);
        Eventually.await(TIMEOUT, "the Job ends", () -> {
            try {
                V1Job j = batch().readNamespacedJob(h.ref(), ns).execute();
                return j.getStatus() != null
                        && j.getStatus().getSucceeded() != null
                        && j.getStatus().getSucceeded() == 1;
            } catch (ApiException e) {
                return false;
            }
        });
        CLUSTER.clock().advance(Duration.ofSeconds(601));
        CLUSTER.wake();
        Eventually.await(TIMEOUT, "the TTL removes the Job", () -> !jobExists(ns, h.ref()));
        Observation o = b.observe(h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("kept\n", o.executors().get(0).stdout());
    }

    // ---- failures ----

    @Test
    void anOomKilledExecutorIsAnExecutorErrorThatSaysSo() {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("bwa", "mem").image(image("oom", Behaviour.oomKilled())))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.EXECUTOR_ERROR, o.phase(), o::toString);
        assertEquals(137, o.executors().get(0).exitCode().getAsInt());
        assertLog(o, "OOMKilled");
    }

    @Test
    void anImageThatNeverPullsIsASystemErrorAfterTheGrace() {
        String image = image("missing", Behaviour.imagePullBackOff());
        TaskHandle h = submit(
                backend,
                TestTasks.task().executor(TestTasks.executor("x").image(image)).build());
        Eventually.await(TIMEOUT, "the image pull backs off", () -> {
            try {
                List<V1Pod> pods = podsOf(ns, h.ref());
                var exec = pods.isEmpty()
                        ? null
                        : ObservationMapper.statuses(pods.get(0)).get("exec-0");
                return exec != null
                        && exec.getState() != null
                        && exec.getState().getWaiting() != null
                        && "ImagePullBackOff"
                                .equals(exec.getState().getWaiting().getReason());
            } catch (ApiException e) {
                return false;
            }
        });
        awaitPhase(backend, h, Phase.INITIALIZING); // within the grace it is still starting
        CLUSTER.clock().advance(Duration.ofSeconds(31));
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.SYSTEM_ERROR, o.phase(), o::toString);
        // The kubelet alternates ErrImagePull and ImagePullBackOff while it retries: either is right.
        assertLog(o, "executors[0] image '" + image + "' could not start (");
        assertTrue(
                o.systemLogs().stream().anyMatch(l -> l.contains("ImagePullBackOff") || l.contains("ErrImagePull")),
                o::toString);
    }

    @Test
    void anEvictedPodIsPreemptedNotFailed() {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("x").image(image("evicted", Behaviour.evicted())))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.PREEMPTED, o.phase(), o::toString);
        assertLog(o, "TerminationByKubelet");
    }

    @Test
    void theDeadlineEndsTheTaskWithASystemError() {
        ExecutorBackend b = another(ns, Map.of("active-deadline", "60s"));
        TaskHandle h = submit(
                b,
                TestTasks.task()
                        .executor(TestTasks.executor("x").image(image("hangs", Behaviour.hang())))
                        .build());
        awaitPhase(b, h, Phase.RUNNING);
        CLUSTER.clock().advance(Duration.ofSeconds(61));
        CLUSTER.wake();
        Observation o = awaitTerminal(b, h);
        assertEquals(Phase.SYSTEM_ERROR, o.phase(), o::toString);
        assertLog(o, "longer than its deadline (activeDeadlineSeconds=60");
        b.cleanup(h);
    }

    @Test
    void aFailedStageInIsASystemErrorSayingWhy() {
        TaskSpec spec = TestTasks.task()
                .input("fail://bucket/sample.bam", "/data/sample.bam")
                .executor(TestTasks.executor("true"))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.SYSTEM_ERROR, o.phase(), o::toString);
        assertEquals(List.of(), o.executors());
        assertLog(
                o,
                "staging inputs failed (stage-in exited with code 1): ergon filer: cannot transfer fail://bucket/sample.bam");
    }

    @Test
    void aFailedStageOutIsASystemErrorAfterTheExecutorsRan() {
        TaskSpec spec = TestTasks.task()
                .output("/data/out.txt", "fail://bucket/out.txt")
                .executor(TestTasks.shell("echo result > /data/out.txt; echo computed"))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.SYSTEM_ERROR, o.phase(), o::toString);
        assertEquals("computed\n", o.executors().get(0).stdout());
        assertLog(
                o,
                "staging outputs failed (stage-out exited with code 1): ergon filer: cannot transfer fail://bucket/out.txt");
    }

    @Test
    void ignoredBackendParametersAreReported() {
        TaskSpec spec = TestTasks.task()
                .resources(new ResourceSpec(
                        OptionalInt.empty(),
                        false,
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        List.of(),
                        Map.of("runtime-class", "gvisor"),
                        false))
                .executor(TestTasks.shell("true"))
                .build();
        Observation o = awaitTerminal(backend, submit(backend, spec));
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertLog(o, "resources.backend_parameters.runtime-class ignored");
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> backend.submit(TestTasks.task()
                        .resources(new ResourceSpec(
                                OptionalInt.empty(),
                                false,
                                OptionalDouble.empty(),
                                OptionalDouble.empty(),
                                List.of(),
                                Map.of("runtime-class", "gvisor"),
                                true))
                        .executor(TestTasks.shell("true"))
                        .build()));
        assertEquals("resources.backend_parameters.runtime-class", e.field().orElse(null));
    }

    // ---- cancel ----

    @Test
    void cancelIsCanceledWithinOneSecondAndStopsThePod() throws ApiException {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("x").image(image("hangs", Behaviour.hang())))
                .executor(TestTasks.shell("echo never"))
                .build();
        TaskHandle h = submit(backend, spec);
        awaitPhase(backend, h, Phase.RUNNING);
        long start = System.nanoTime();
        backend.cancel(h);
        Observation o = backend.observe(h);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        backend.cancel(h);
        assertEquals(o, backend.observe(h), "a second cancel changes nothing");
        assertEquals(Phase.CANCELED, o.phase(), o::toString);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "cancel took " + took);
        assertTrue(o.executors().stream().noneMatch(r -> r.index() == 1), o::toString);
        Eventually.await(TIMEOUT, "the Job and its pod are gone", () -> {
            try {
                return !jobExists(ns, h.ref()) && podsOf(ns, h.ref()).isEmpty();
            } catch (ApiException e) {
                return false;
            }
        });
        backend.cleanup(h);
        List<FakeApiServer.Request> writes = CLUSTER.backendWrites(ns, h.ref());
        assertEquals(
                List.of("POST", "DELETE"),
                writes.stream().map(FakeApiServer.Request::method).toList(),
                writes::toString);
        assertTrue(writes.get(1).path().contains("propagationPolicy=Foreground"), writes::toString);
    }

    @Test
    void aTaskCostsAtMostThreeApiWrites() {
        TaskHandle done = submit(
                backend, TestTasks.task().executor(TestTasks.shell("echo hi")).build());
        assertEquals(Phase.COMPLETE, awaitTerminal(backend, done).phase());
        backend.cancel(done); // ended: no write
        backend.cleanup(done);
        backend.cleanup(done);
        List<FakeApiServer.Request> writes = CLUSTER.backendWrites(ns, done.ref());
        assertEquals(
                List.of("POST", "DELETE"),
                writes.stream().map(FakeApiServer.Request::method).toList(),
                writes::toString);
        assertTrue(writes.size() <= 3);
    }

    // ---- idempotency and restarts ----

    @Test
    void duplicateSubmitsFromOneOrTwoErgonsMakeOneJob() throws Exception {
        TaskSpec spec = TestTasks.task().executor(TestTasks.shell("echo once")).build();
        ExecutorBackend second = another(ns, Map.of());
        CompletableFuture<TaskHandle> a = CompletableFuture.supplyAsync(() -> submit(backend, spec));
        CompletableFuture<TaskHandle> b = CompletableFuture.supplyAsync(() -> backend.submit(spec));
        CompletableFuture<TaskHandle> c = CompletableFuture.supplyAsync(() -> second.submit(spec));
        TaskHandle h = a.get();
        assertEquals(h, b.get());
        assertEquals(h, c.get());
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase());
        assertEquals(o, awaitTerminal(second, h));
        assertEquals(1, podsOf(ns, h.ref()).size(), "one Pod");
        long creates = CLUSTER.backendWrites(ns, h.ref()).stream()
                .filter(r -> r.method().equals("POST"))
                .count();
        assertTrue(creates <= 2, "one create per backend at most (the second answered 409): " + creates);
    }

    @Test
    void aRestartedErgonFindsItsRunningTaskAndRunsNothingTwice() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("long").image(image("gate", Behaviour.gate(gate, "done once\n"))))
                .build();
        ExecutorBackend before = CLUSTER.backend(ns, Map.of());
        TaskHandle h = before.submit(spec);
        awaitPhase(before, h, Phase.RUNNING);
        String uid =
                batch().readNamespacedJob(h.ref(), ns).execute().getMetadata().getUid();
        before.close();

        ExecutorBackend after = another(ns, Map.of());
        // The controller resumes with the handle it stored: the task id as ref.
        TaskHandle stored = new TaskHandle(h.taskId(), h.backend(), h.taskId());
        assertEquals(Phase.RUNNING, awaitPhase(after, stored, Phase.RUNNING).phase());
        assertEquals(h, after.submit(spec), "a submit of a task it found needs no API call");
        ExecutorBackend third = another(ns, Map.of());
        assertEquals(h, third.submit(spec), "a fresh Ergon's submit is answered 409 and adopts the Job");
        gate.countDown();
        CLUSTER.wake();
        Observation o = awaitTerminal(after, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("done once\n", o.executors().get(0).stdout());
        assertEquals(
                uid,
                batch().readNamespacedJob(h.ref(), ns).execute().getMetadata().getUid(),
                "the same Job");
        assertEquals(1, podsOf(ns, h.ref()).size(), "one Pod");
        after.cleanup(h);
        List<String> writes = CLUSTER.backendWrites(ns, h.ref()).stream()
                .map(FakeApiServer.Request::method)
                .toList();
        assertEquals(
                List.of("POST", "POST", "DELETE"), writes, "create, the third Ergon's create answered 409, cleanup");
    }

    // ---- the API server misbehaves ----

    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoff() {
        TaskSpec spec =
                TestTasks.task().executor(TestTasks.shell("echo through")).build();
        String job = JobNames.jobName(spec.taskId());
        CLUSTER.api().fail(r -> r.method().equals("POST") && job.equals(r.name()), 429, 2);
        CLUSTER.api().fail(r -> r.method().equals("POST") && job.equals(r.name()), 500, 1);
        CLUSTER.api().fail(r -> r.path().contains("/pods/" + job) && r.path().contains("/log"), 503, 1);
        TaskHandle h = submit(backend, spec);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("through\n", o.executors().get(0).stdout(), "the log read was retried");
        assertEquals(
                4,
                CLUSTER.backendWrites(ns, job).stream()
                        .filter(r -> r.method().equals("POST"))
                        .count(),
                "two 429s, one 500, then the create");

        TaskSpec refused = TestTasks.task().executor(TestTasks.shell("true")).build();
        String refusedJob = JobNames.jobName(refused.taskId());
        CLUSTER.api().fail(r -> r.method().equals("POST") && refusedJob.equals(r.name()), 500, 100);
        ErgonException e = assertThrows(ErgonException.class, () -> backend.submit(refused));
        CLUSTER.api().clearFaults();
        assertEquals(ErrorKind.BACKEND_UNAVAILABLE, e.kind());
        assertEquals(6, CLUSTER.backendWrites(ns, refusedJob).size(), "api-retries=5: six attempts");
        assertFalse(jobExists(ns, refusedJob));
    }

    @Test
    void observeDoesNotThrowWhileTheApiServerIsDown() {
        TaskHandle unknown = new TaskHandle("never-submitted-" + UUID.randomUUID(), "kubernetes", "x");
        String job = JobNames.jobName(unknown.taskId());
        CLUSTER.api().fail(r -> r.path().contains("/jobs/" + job), 500, 100);
        try {
            Observation o = backend.observe(unknown);
            assertEquals(Phase.INITIALIZING, o.phase(), o::toString);
            assertLog(o, "could not be reached");
        } finally {
            CLUSTER.api().clearFaults();
        }
        assertEquals(Phase.UNKNOWN, backend.observe(unknown).phase());
    }

    @Test
    void aWatchAnswered410MakesTheViewListAgain() throws ApiException {
        CountDownLatch gate = new CountDownLatch(1);
        TaskHandle h = submit(
                backend,
                TestTasks.task()
                        .executor(TestTasks.executor("x").image(image("gate", Behaviour.gate(gate, "after relist\n"))))
                        .build());
        awaitPhase(backend, h, Phase.RUNNING);
        long listsBefore = jobLists();
        long expiredBefore = CLUSTER.api().expiredWatches();
        CLUSTER.api().expireWatches();
        gate.countDown();
        CLUSTER.wake();
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertTrue(CLUSTER.api().expiredWatches() > expiredBefore, "no watch was answered 410");
        Eventually.await(TIMEOUT, "the informer lists again", () -> jobLists() > listsBefore);
    }

    private static long jobLists() {
        return CLUSTER.api().requests().stream()
                .filter(r -> r.userAgent().startsWith(KubeApi.USER_AGENT)
                        && r.method().equals("GET"))
                .filter(r -> r.path().startsWith("/apis/batch/v1/namespaces/" + ns + "/jobs?")
                        && r.path().contains("watch=false"))
                .count();
    }

    // ---- Kueue ----

    @Test
    void withKueueATaskWaitsSuspendedUntilAdmitted() throws ApiException {
        String queueNs = CLUSTER.newNamespace();
        ExecutorBackend b = another(queueNs, Map.of("kueue.queue-name", "tasks"));
        TaskHandle h = b.submit(
                TestTasks.task().executor(TestTasks.shell("echo admitted")).build());
        V1Job job = batch().readNamespacedJob(h.ref(), queueNs).execute();
        assertEquals(Boolean.TRUE, job.getSpec().getSuspend());
        assertEquals("tasks", job.getMetadata().getLabels().get(JobNames.KUEUE_QUEUE_LABEL));
        CLUSTER.kubelet().step();
        CLUSTER.kubelet().step();
        assertEquals(Phase.QUEUED, b.observe(h).phase());
        assertTrue(podsOf(queueNs, h.ref()).isEmpty(), "no Pod before admission");
        CLUSTER.kubelet().admit(queueNs, h.ref());
        Observation o = awaitTerminal(b, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("admitted\n", o.executors().get(0).stdout());
        b.cleanup(h);
    }

    @Test
    void withKueueASuspensionAfterAdmissionIsAPreemption() throws ApiException {
        String queueNs = CLUSTER.newNamespace();
        ExecutorBackend b = another(queueNs, Map.of("kueue.queue-name", "tasks"));
        TaskHandle h = b.submit(TestTasks.task()
                .executor(TestTasks.executor("x").image(image("hangs", Behaviour.hang())))
                .build());
        CLUSTER.kubelet().admit(queueNs, h.ref());
        awaitPhase(b, h, Phase.RUNNING);
        CLUSTER.kubelet().preempt(queueNs, h.ref());
        Observation o = awaitTerminal(b, h);
        assertEquals(Phase.PREEMPTED, o.phase(), o::toString);
        assertLog(o, "Kueue preempted");
        b.cleanup(h);
    }

    // ---- the polling view ----

    @Test
    void thePollingViewWorksAsTheWatchingOne() {
        ExecutorBackend b = another(ns, Map.of("watch", "false", "poll-interval", "50ms"));
        assertEquals("poll every PT0.05S", b.info().get("observe"));
        Set<String> told = ConcurrentHashMap.newKeySet();
        b.addListener(told::add);
        TaskSpec spec =
                TestTasks.task().executor(TestTasks.shell("echo polled")).build();
        TaskHandle h = b.submit(spec);
        Observation o = awaitTerminal(b, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("polled\n", o.executors().get(0).stdout());
        assertTrue(told.contains(spec.taskId()));
        b.cleanup(h);
    }

    @Test
    void capabilities() {
        assertEquals(
                Set.of(
                        ExecutorCapability.STAGES_ITSELF,
                        ExecutorCapability.STREAM_REDIRECTION,
                        ExecutorCapability.IGNORE_ERROR,
                        ExecutorCapability.WORKDIR_AND_ENV,
                        ExecutorCapability.VOLUMES,
                        ExecutorCapability.PUSHES_CHANGES,
                        ExecutorCapability.SURVIVES_RESTART,
                        // the shared cluster's backends read logs split
                        ExecutorCapability.SEPARATE_LOG_STREAMS),
                backend.capabilities());
        assertEquals(ns, backend.info().get("namespace"));
    }
}
