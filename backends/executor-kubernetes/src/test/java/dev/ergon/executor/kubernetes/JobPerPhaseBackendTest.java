package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.Eventually;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strategy job-per-phase against the shared fake cluster: the chain of phase Jobs on one claim,
 * failures stopping it, ignore_error, cancel, duplicate submits and a restart of Ergon mid-task.
 */
class JobPerPhaseBackendTest {
    private static final FakeCluster CLUSTER = FakeCluster.shared();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, String> PHASED = Map.of("strategy", "job-per-phase");

    private static String ns;
    private static ExecutorBackend backend;
    private final List<ExecutorBackend> others = new ArrayList<>();

    @BeforeAll
    static void createBackend() {
        ns = CLUSTER.newNamespace();
        backend = CLUSTER.backend(ns, PHASED);
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

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

    private static List<String> jobs(String namespace, String taskId) throws ApiException {
        return new BatchV1Api(
                        new ClientBuilder().setBasePath(CLUSTER.api().url()).build())
                        .listNamespacedJob(namespace)
                        .labelSelector(JobNames.TASK_ID_LABEL + "=" + JobNames.taskIdLabel(taskId))
                        .execute()
                        .getItems()
                        .stream()
                        .map(j -> j.getMetadata().getName())
                        .sorted()
                        .toList();
    }

    private static boolean claimExists(String namespace, String taskId) throws ApiException {
        return new CoreV1Api(
                        new ClientBuilder().setBasePath(CLUSTER.api().url()).build())
                .listNamespacedPersistentVolumeClaim(namespace).execute().getItems().stream()
                        .anyMatch(c -> c.getMetadata().getName().equals(JobNames.claimName(taskId)));
    }

    private static List<String> creates(String namespace, TaskHandle h) {
        return CLUSTER.backendWritesOfTask(namespace, h.ref()).stream()
                .filter(r -> r.method().equals("POST"))
                .map(FakeApiServer.Request::name)
                .toList();
    }

    @Test
    void eachPhaseIsItsOwnJobOnOneClaim() throws ApiException {
        TaskSpec spec = TestTasks.task()
                .content("hello\n", "/data/in.txt")
                .executor(TestTasks.shell("tr a-z A-Z < /data/in.txt > /data/up.txt"))
                .executor(TestTasks.executor("cat", "/data/up.txt"))
                .build();
        TaskHandle h = backend.submit(spec);
        assertEquals(new TaskHandle(spec.taskId(), "kubernetes", JobNames.claimName(spec.taskId())), h);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals("HELLO\n", o.executors().get(1).stdout(), "the executors share the claim");
        List<String> expected = List.of(h.ref(), h.ref() + "-0", h.ref() + "-1", h.ref() + "-2", h.ref() + "-3");
        assertEquals(expected, creates(ns, h), "the claim, then each phase once, in order");
        backend.cleanup(h);
        assertEquals(List.of(), jobs(ns, spec.taskId()));
        assertTrue(!claimExists(ns, spec.taskId()), "cleanup deletes the claim");
    }

    @Test
    void aFailingExecutorStopsTheChain() throws ApiException {
        String fails = image("fails", Behaviour.exit(5, "", "no such sample\n"));
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("call-variants").image(fails))
                .executor(TestTasks.shell("echo never"))
                .build();
        TaskHandle h = backend.submit(spec);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.EXECUTOR_ERROR, o.phase(), o::toString);
        assertEquals(1, o.executors().size(), o::toString);
        assertEquals(5, o.executors().get(0).exitCode().getAsInt());
        assertEquals("no such sample\n", o.executors().get(0).stderr());
        assertTrue(o.systemLogs().stream().anyMatch(l -> l.contains("later executors did not run")), o::toString);
        assertEquals(
                List.of(h.ref() + "-0", h.ref() + "-1"), jobs(ns, spec.taskId()), "exec-1, stage-out never created");
        backend.cleanup(h);
    }

    @Test
    void ignoreErrorGoesOn() {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.shell("echo trying; exit 7").ignoreError())
                .executor(TestTasks.shell("echo after"))
                .build();
        TaskHandle h = backend.submit(spec);
        Observation o = awaitTerminal(backend, h);
        assertEquals(Phase.COMPLETE, o.phase(), o::toString);
        assertEquals(7, o.executors().get(0).exitCode().getAsInt());
        assertEquals("after\n", o.executors().get(1).stdout());
        backend.cleanup(h);
    }

    @Test
    void cancelDeletesEveryJobAndTheClaim() throws ApiException {
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("x").image(image("hangs", Behaviour.hang())))
                .executor(TestTasks.shell("echo never"))
                .build();
        TaskHandle h = backend.submit(spec);
        awaitPhase(backend, h, Phase.RUNNING);
        backend.cancel(h);
        assertEquals(Phase.CANCELED, backend.observe(h).phase());
        Eventually.await(TIMEOUT, "the Jobs and the claim are gone", () -> {
            try {
                return jobs(ns, spec.taskId()).isEmpty() && !claimExists(ns, spec.taskId());
            } catch (ApiException e) {
                return false;
            }
        });
        List<FakeApiServer.Request> deletes = CLUSTER.backendWritesOfTask(ns, h.ref()).stream()
                .filter(r -> r.method().equals("DELETE"))
                .toList();
        assertEquals(3, deletes.size(), deletes::toString);
        assertTrue(
                deletes.stream().filter(r -> r.path().contains("/jobs/")).allMatch(r -> r.path()
                        .contains("propagationPolicy=Foreground")),
                deletes::toString);
        backend.cleanup(h);
    }

    @Test
    void duplicateSubmitsFromTwoErgonsMakeEachPhaseOnce() throws Exception {
        TaskSpec spec = TestTasks.task().executor(TestTasks.shell("echo once")).build();
        ExecutorBackend second = CLUSTER.backend(ns, PHASED);
        others.add(second);
        try {
            TaskHandle h = backend.submit(spec);
            assertEquals(h, backend.submit(spec));
            assertEquals(h, second.submit(spec), "answered 409 and adopted");
            Observation o = awaitTerminal(backend, h);
            assertEquals(Phase.COMPLETE, o.phase(), o::toString);
            assertEquals(Phase.COMPLETE, awaitTerminal(second, h).phase());
            assertEquals(List.of(h.ref() + "-0", h.ref() + "-1", h.ref() + "-2"), jobs(ns, spec.taskId()));
            backend.cleanup(h);
        } finally {
            second.close();
        }
    }

    @Test
    void aRestartedErgonContinuesTheChainWithoutRunningAPhaseTwice() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TaskSpec spec = TestTasks.task()
                .executor(TestTasks.executor("long").image(image("gate", Behaviour.gate(gate, "done once\n"))))
                .executor(TestTasks.shell("echo second"))
                .build();
        ExecutorBackend before = CLUSTER.backend(ns, PHASED);
        TaskHandle h = before.submit(spec);
        awaitPhase(before, h, Phase.RUNNING);
        before.close();

        ExecutorBackend after = CLUSTER.backend(ns, PHASED);
        try {
            TaskHandle stored = new TaskHandle(h.taskId(), h.backend(), h.taskId());
            assertEquals(Phase.RUNNING, awaitPhase(after, stored, Phase.RUNNING).phase());
            gate.countDown();
            CLUSTER.wake();
            Observation o = awaitTerminal(after, stored);
            assertEquals(Phase.COMPLETE, o.phase(), o::toString);
            assertEquals("done once\n", o.executors().get(0).stdout());
            assertEquals("second\n", o.executors().get(1).stdout());
            List<String> expected = List.of(h.ref(), h.ref() + "-0", h.ref() + "-1", h.ref() + "-2", h.ref() + "-3");
            assertEquals(expected, creates(ns, h), "each phase created once, across both processes");
            after.cleanup(stored);
        } finally {
            after.close();
        }
    }

    @Test
    void anUnknownStrategyIsRefusedListingTheValidOnes() {
        Map<String, String> c = new java.util.HashMap<>(CLUSTER.config(ns, Map.of()));
        c.put("strategy", "pod-per-task");
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> KubernetesExecutorBackendConfig.from(ProviderConfig.of(FakeCluster.PREFIX, c)));
        assertEquals(
                "ergon.executor.kubernetes.strategy: 'pod-per-task' is not a strategy; valid values: one-job,"
                        + " job-per-phase",
                e.getMessage());
    }

    @Test
    void thePhaseJobsAreInTheClaimsPlan() {
        TaskSpec spec = TestTasks.task().executor(TestTasks.shell("echo hi")).build();
        JobManifest.Phased p = JobManifest.buildPhases(spec, JobManifestTest.config(PHASED));
        List<V1Job> plan =
                PhasePlan.decode(p.claim().getMetadata().getAnnotations().get(JobNames.PLAN_ANNOTATION));
        assertEquals(
                p.phases().subList(1, 3).stream().map(JobManifest::json).toList(),
                plan.stream().map(JobManifest::json).toList());
    }
}
