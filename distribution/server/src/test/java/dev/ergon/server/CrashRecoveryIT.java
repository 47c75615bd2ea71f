package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.testkit.Eventually;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the embedded default while tasks run and wait: after a restart on the same data
 * folder every accepted task reaches a terminal state, queued tasks run exactly once, and tasks
 * that were running are not run again (Ergon cannot know how far their executors got).
 */
class CrashRecoveryIT {
    private static final Set<String> TERMINAL =
            Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED");

    @Test
    void killDashNineLosesNoTaskAndRunsNoExecutorTwice() throws Exception {
        Path dir = Files.createTempDirectory("ergon-crash");
        Path data = dir.resolve("data");
        Path out = Files.createDirectories(dir.resolve("out"));
        String[] props = {"ergon.controller.max-active=2", "ergon.executor.local.max-concurrent=2"};
        List<String> running = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        try (ServerProcess first = ServerProcess.start(data, props)) {
            for (int i = 0; i < 2; i++) {
                running.add(id(first.post(
                        "/ga4gh/tes/v1/tasks",
                        "{\"name\":\"long\",\"executors\":[{\"image\":\"x\",\"command\":[\"sleep\",\"600\"]}]}")));
            }
            for (int i = 0; i < 6; i++) {
                String marker = out.resolve("marker-" + i + ".txt").toUri().toString();
                queued.add(id(first.post(
                        "/ga4gh/tes/v1/tasks",
                        """
                        {"name": "short", "outputs": [{"path": "/out/marker.txt", "url": "%s"}],
                         "executors": [{"image": "x", "command": ["sh", "-c", "echo ran >> /out/marker.txt"]}]}"""
                                .formatted(marker))));
            }
            for (String id : running) {
                Eventually.await(Duration.ofSeconds(30), id + " running", () -> "RUNNING".equals(state(first, id)));
            }
            first.kill();
        }
        // The sandboxes die with Ergon (bwrap --die-with-parent): no orphaned executor keeps running.
        Eventually.await(
                Duration.ofSeconds(10), "orphaned 'sleep 600' executors to die", () -> ProcessHandle.allProcesses()
                        .noneMatch(p -> p.info()
                                .commandLine()
                                .map(c -> c.contains("sleep 600"))
                                .orElse(false)));
        try (ServerProcess second = ServerProcess.start(data, props)) {
            List<String> all = new ArrayList<>(running);
            all.addAll(queued);
            for (String id : all) {
                Eventually.await(Duration.ofSeconds(60), id + " to end", () -> TERMINAL.contains(state(second, id)));
            }
            for (String id : running) {
                JsonObject t = task(second, id);
                assertEquals("SYSTEM_ERROR", t.getString("state"), t.toString());
                assertTrue(t.toString().contains("not run again"), t.toString());
            }
            for (int i = 0; i < queued.size(); i++) {
                assertEquals("COMPLETE", state(second, queued.get(i)));
                assertEquals(
                        "ran\n",
                        Files.readString(out.resolve("marker-" + i + ".txt")),
                        "task " + i + " ran more than once");
            }
        }
    }

    private static String id(String json) {
        return Json.createReader(new StringReader(json)).readObject().getString("id");
    }

    private static JsonObject task(ServerProcess s, String id) {
        try {
            return Json.createReader(new StringReader(s.get("/ga4gh/tes/v1/tasks/" + id + "?view=FULL")))
                    .readObject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String state(ServerProcess s, String id) {
        return task(s, id).getString("state");
    }
}
