package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.events.redis.RedisEventBus;
import dev.ergon.events.redis.TestRedis;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.Eventually;
import dev.ergon.testkit.InMemoryEventBus;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The phase events of strategy job-per-phase on a real Redis (one embedded server per JVM,
 * {@link TestRedis}), with the shared fake cluster's watches held ({@link
 * FakeApiServer#holdWatches}) so that only the signal can explain progress: the stage-in
 * container (the {@link FakeFiler}, configured from the Job's env as the real filer role is)
 * publishes on Redis, and the backend, subscribed through the {@link EventBus} its host gives it,
 * creates the next phase while its watch shows nothing. With Redis down the same task completes
 * through the watch. Junk on the topic costs no API call.
 */
class JobPerPhaseRedisTest {
    private static final FakeCluster CLUSTER = FakeCluster.shared();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static TaskSpec task(String what) {
        String image = "test/" + what + ":" + UUID.randomUUID().toString().substring(0, 8);
        CLUSTER.script(image, Behaviour.exit(0, "done\n", ""));
        return TestTasks.task()
                .content("hi", "/data/in.txt")
                .executor(TestTasks.executor("true").image(image))
                .build();
    }

    private static boolean created(String ns, TaskHandle h, int phase) {
        String job = JobNames.phaseJobName(h.taskId(), phase);
        return CLUSTER.backendWritesOfTask(ns, h.ref()).stream()
                .anyMatch(r -> r.method().equals("POST") && job.equals(r.name()));
    }

    private static Observation awaitTerminal(ExecutorBackend b, TaskHandle h) {
        return Eventually.get(TIMEOUT, "task " + h.taskId() + " to end", () -> {
            Observation o = b.observe(h);
            return o.phase().isTerminal() ? o : null;
        });
    }

    /** Whether the stage-in Pod of {@code h} shows its container terminated (read from the API, not a watch). */
    private static boolean stageInEnded(String ns, TaskHandle h) {
        try {
            return stageInPodEnded(ns, h);
        } catch (ApiException e) {
            return false;
        }
    }

    private static boolean stageInPodEnded(String ns, TaskHandle h) throws ApiException {
        return new CoreV1Api(
                        new ClientBuilder().setBasePath(CLUSTER.api().url()).build())
                        .listNamespacedPod(ns)
                        .labelSelector(JobNames.JOB_NAME_LABEL + "=" + JobNames.phaseJobName(h.taskId(), 0))
                        .execute()
                        .getItems()
                        .stream()
                        .anyMatch(p -> p.getStatus() != null
                                && p.getStatus().getContainerStatuses() != null
                                && p.getStatus().getContainerStatuses().stream()
                                        .anyMatch(c -> c.getState() != null
                                                && c.getState().getTerminated() != null));
    }

    /** The backend's direct reads of the task's Jobs (what a signal causes; the watch is not one). */
    private static long directReads(String ns, String taskId) {
        String label = JobNames.taskIdLabel(taskId);
        return CLUSTER.api().requests().stream()
                .filter(r -> r.userAgent().startsWith(KubeApi.USER_AGENT)
                        && r.method().equals("GET"))
                .filter(r -> r.path().contains("/namespaces/" + ns + "/")
                        && !r.path().contains("watch=true"))
                .filter(r -> r.path().contains(label))
                .count();
    }

    @Test
    void aPhaseSucceededOnRedisWakesTheBackendWhileTheWatchShowsNothing() throws Exception {
        String ns = CLUSTER.newNamespace();
        String channel = "ergon-phase-" + UUID.randomUUID();
        try (RedisEventBus bus = new RedisEventBus(TestRedis.url(), channel, Duration.ofSeconds(2))) {
            ExecutorBackend backend = CLUSTER.backend(
                    ns,
                    Map.of(
                            "strategy",
                            "job-per-phase",
                            "phase-events.redis-url",
                            TestRedis.url(),
                            "phase-events.redis-channel",
                            channel),
                    Map.of(EventBus.class, bus));
            try {
                assertTrue(
                        backend.info().get("observe").endsWith("+ phase events"),
                        backend.info().toString());
                Eventually.await(Duration.ofSeconds(10), "the backend's Redis subscription", bus::subscribed);
                TaskHandle h;
                try (AutoCloseable held = CLUSTER.api().holdWatches(ns)) {
                    h = backend.submit(task("signalled"));
                    // Stage-in ends at once; with the watch held only its event can start phase 1.
                    Eventually.await(TIMEOUT, "phase 1 created on the stage-in's event", () -> created(ns, h, 1));
                    assertFalse(created(ns, h, 2), "the executor publishes nothing: phase 2 waits for the watch");
                }
                Observation o = awaitTerminal(backend, h);
                assertEquals(Phase.COMPLETE, o.phase(), o.systemLogs().toString());
                assertEquals(
                        List.of(0),
                        o.executors().stream().map(e -> e.exitCode().orElse(-1)).toList());
            } finally {
                backend.close();
            }
        }
    }

    @Test
    void withRedisDownTheWatchStillCompletesTheTask() throws Exception {
        String ns = CLUSTER.newNamespace();
        String down = TestRedis.closedUrl();
        try (RedisEventBus bus = new RedisEventBus(down, "ergon-events", Duration.ofMillis(500))) {
            ExecutorBackend backend = CLUSTER.backend(
                    ns,
                    Map.of("strategy", "job-per-phase", "phase-events.redis-url", down),
                    Map.of(EventBus.class, bus));
            try {
                TaskHandle h;
                try (AutoCloseable held = CLUSTER.api().holdWatches(ns)) {
                    h = backend.submit(task("unsignalled"));
                    Eventually.await(TIMEOUT, "stage-in to end", () -> stageInEnded(ns, h));
                    // The control of the test above: no event, a held watch, so no progress.
                    Thread.sleep(1500);
                    assertFalse(created(ns, h, 1), "phase 1 created with neither an event nor the watch");
                }
                Observation o = awaitTerminal(backend, h);
                assertEquals(Phase.COMPLETE, o.phase(), o.systemLogs().toString());
                assertTrue(created(ns, h, 2));
            } finally {
                backend.close();
            }
        }
    }

    @Test
    void junkOnThePhaseTopicIsIgnoredWithoutAnApiCall() throws Exception {
        String ns = CLUSTER.newNamespace();
        InMemoryEventBus bus = new InMemoryEventBus();
        ExecutorBackend backend = CLUSTER.backend(ns, Map.of("strategy", "job-per-phase"), Map.of(EventBus.class, bus));
        List<String> woken = new CopyOnWriteArrayList<>();
        backend.addListener(woken::add);
        try (AutoCloseable held = CLUSTER.api().holdWatches(ns)) {
            TaskHandle h = backend.submit(task("junk"));
            String id = h.taskId();
            long before = directReads(ns, id);
            String topic = PhaseSignals.TOPIC;
            for (Event junk : List.of(
                    new Event(topic, id, "failed", "0"),
                    new Event(topic, id, PhaseSignals.SUCCEEDED, ""),
                    new Event(topic, id, PhaseSignals.SUCCEEDED, "zero"),
                    new Event(topic, id, PhaseSignals.SUCCEEDED, "-1"),
                    new Event(topic, id, PhaseSignals.SUCCEEDED, "99"),
                    new Event(topic, id, PhaseSignals.SUCCEEDED, "99999999999999"))) {
                bus.publish(junk);
            }
            bus.publish(new Event(topic, "not-a-task-of-mine", PhaseSignals.SUCCEEDED, "0"));
            Thread.sleep(300); // a signal's reads start at once on another thread: give them the chance
            assertEquals(before, directReads(ns, id), "junk caused API reads");
            assertEquals(0, directReads(ns, "not-a-task-of-mine"));
            assertEquals(
                    List.of("not-a-task-of-mine"),
                    woken.stream().filter(w -> !w.equals(id)).toList());
            // A real signal still works after the junk: it reads the task at once.
            bus.publish(PhaseSignals.event(id, 0));
            Eventually.await(TIMEOUT, "the signal's direct read", () -> directReads(ns, id) > before);
            Eventually.await(TIMEOUT, "phase 1 created", () -> created(ns, h, 1));
        } finally {
            backend.close();
        }
    }
}
