package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.state.TaskState;
import dev.ergon.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several controllers on one PostgreSQL: every task is claimed by exactly one of them and
 * submitted exactly once; a controller that dies with claimed work loses nothing.
 */
class ControllerRaceIT {
    private static final String TASK = "{\"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]}";
    private static ErgonRuntime a;
    private static ErgonRuntime b;

    @BeforeAll
    static void start() {
        TestDatabase.get();
        a = new ErgonRuntime();
        a.ensureStarted();
        b = new ErgonRuntime();
        b.ensureStarted();
    }

    @AfterAll
    static void stop() {
        a.stop();
        b.stop();
    }

    @Test
    void twoControllersRunEveryTaskExactlyOnce() {
        TaskService api = new TaskService(a);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(api.create(TASK));
        }
        Controller ca = new Controller(a);
        Controller cb = new Controller(b);
        ca.start();
        cb.start();
        try {
            for (String id : ids) {
                Eventually.await(
                        Duration.ofSeconds(60),
                        id + " complete",
                        () -> a.store().state(id).orElseThrow() == TaskState.COMPLETE);
            }
            Set<Integer> runners = new HashSet<>();
            for (String id : ids) {
                assertEquals(
                        1, CountingExecutorBackendProvider.SUBMITS.get(id).get(), "task " + id + " submitted twice");
                runners.add(CountingExecutorBackendProvider.RAN_BY.get(id));
            }
            assertEquals(2, runners.size(), "both controllers should have taken part");
        } finally {
            ca.stop();
            cb.stop();
        }
    }

    @Test
    void tasksClaimedByADeadControllerAreRecoveredAfterItsLease() {
        TaskService api = new TaskService(a);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(api.create(TASK));
        }
        // A controller claims them and dies before doing anything: its leases just expire.
        List<String> claimed = new ArrayList<>();
        while (claimed.size() < 1000) {
            List<String> got = a.store().claimQueued("dead-controller", 100, Duration.ofSeconds(1));
            if (got.isEmpty()) {
                break;
            }
            claimed.addAll(got);
        }
        assertTrue(claimed.containsAll(ids));
        Controller survivor = new Controller(b);
        survivor.start();
        try {
            for (String id : ids) {
                Eventually.await(
                        Duration.ofSeconds(30),
                        id + " recovered and complete",
                        () -> b.store().state(id).orElseThrow() == TaskState.COMPLETE);
                assertEquals(1, CountingExecutorBackendProvider.SUBMITS.get(id).get());
            }
        } finally {
            survivor.stop();
        }
    }

    @Test
    void cancelOfARunningTaskReachesTheBackend() {
        TaskService api = new TaskService(a);
        String id = api.create("{\"executors\": [{\"image\": \"x\", \"command\": [\"block\"]}]}");
        Controller ca = new Controller(a);
        ca.start();
        try {
            Eventually.await(
                    Duration.ofSeconds(30), "running", () -> a.store().state(id).orElseThrow() == TaskState.RUNNING);
            api.cancel(id);
            Eventually.await(
                    Duration.ofSeconds(10),
                    "canceled",
                    () -> a.store().state(id).orElseThrow() == TaskState.CANCELED);
        } finally {
            ca.stop();
        }
    }
}
