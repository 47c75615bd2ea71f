package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.model.Request;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.ws.rs.client.WebTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * TES 1.1 end to end over real HTTP: the assembled server on its embedded default (embedded
 * PostgreSQL, local executor in bubblewrap, local files). Every response is checked against the
 * official TES OpenAPI document.
 */
@HelidonTest
@AddConfig(key = "ergon.data-dir", value = "target/it-data/api")
class TesApiIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    WebTarget target;

    private Api api() {
        return new Api(target);
    }

    @Test
    void serviceInfoDescribesTes() {
        Api.Reply r = api().get("service-info");
        assertEquals(200, r.status(), r.body());
        TesConformance.check(Request.Method.GET, "/service-info", 200, r.body());
        JsonObject info = r.json();
        assertEquals("tes", info.getJsonObject("type").getString("artifact"));
        assertEquals("1.1.0", info.getJsonObject("type").getString("version"));
        assertTrue(info.getJsonArray("storage").toString().contains("file://"), info.toString());
        assertTrue(info.getString("description").contains("local"), info.toString());
    }

    @Test
    void taskRunsExecutorsInOrderAndStagesFiles() throws Exception {
        Path outDir = Files.createTempDirectory("ergon-out");
        Path in = Files.writeString(Files.createTempFile("ergon-in", ".txt"), "from a file\n");
        String task =
                """
                {"name": "e2e", "description": "two executors",
                 "inputs": [{"path": "/data/greeting.txt", "content": "hello"},
                            {"path": "/data/file.txt", "url": "%s"}],
                 "outputs": [{"path": "/data/result.txt", "url": "%s"},
                             {"path": "/data/parts/*.part", "path_prefix": "/data/parts", "url": "%s"}],
                 "executors": [
                   {"image": "debian:bookworm", "command": ["sh", "-c", "cat /data/greeting.txt /data/file.txt > /data/mid.txt; mkdir -p /data/parts; echo a > /data/parts/a.part; echo b > /data/parts/b.part"]},
                   {"image": "debian:bookworm", "command": ["sh", "-c", "tr a-z A-Z < /data/mid.txt > /data/result.txt; echo done; echo warn >&2"],
                    "env": {"GREETING": "hi"}, "workdir": "/data"}],
                 "volumes": ["/scratch"],
                 "tags": {"suite": "e2e"}}
                """
                        .formatted(
                                in.toUri(),
                                outDir.resolve("result.txt").toUri(),
                                outDir.resolve("parts").toUri());
        String id = api().create(task);
        JsonObject t = api().awaitTerminal(id, WAIT);
        assertEquals("COMPLETE", t.getString("state"), t.toString());
        assertEquals("HELLOFROM A FILE\n", Files.readString(outDir.resolve("result.txt")));
        assertEquals("a\n", Files.readString(outDir.resolve("parts/a.part")));
        assertEquals("b\n", Files.readString(outDir.resolve("parts/b.part")));
        JsonObject log = t.getJsonArray("logs").getJsonObject(0);
        JsonArray execs = log.getJsonArray("logs");
        assertEquals(2, execs.size());
        assertEquals(0, execs.getJsonObject(1).getInt("exit_code"));
        assertTrue(execs.getJsonObject(1).getString("stdout").contains("done"));
        assertTrue(execs.getJsonObject(1).getString("stderr").contains("warn"));
        assertEquals(3, log.getJsonArray("outputs").size(), log.toString());
        assertNotNull(log.getString("start_time"));
        assertNotNull(log.getString("end_time"));
        JsonObject basic = api().task(id, "BASIC");
        assertFalse(basic.getJsonArray("logs").getJsonObject(0).containsKey("system_logs"));
        assertFalse(basic.getJsonArray("inputs").getJsonObject(0).containsKey("content"));
        JsonObject minimal = api().task(id, null);
        assertEquals(Set.of("id", "state"), minimal.keySet());
        // the scratch area is gone once the task ended; outputs stay
        assertTrue(Files.isDirectory(Path.of("target/it-data/api/tasks")), "workspaces live elsewhere than expected");
        assertFalse(Files.exists(Path.of("target/it-data/api/tasks", id)), "workspace of " + id + " was not removed");
    }

    @Test
    void failingExecutorStopsTheTask() {
        String id = api().create(
                        """
                {"executors": [{"image": "x", "command": ["sh", "-c", "echo before; exit 7"]},
                               {"image": "x", "command": ["sh", "-c", "echo never"]}]}""");
        JsonObject t = api().awaitTerminal(id, WAIT);
        assertEquals("EXECUTOR_ERROR", t.getString("state"));
        JsonArray execs = t.getJsonArray("logs").getJsonObject(0).getJsonArray("logs");
        assertEquals(1, execs.size());
        assertEquals(7, execs.getJsonObject(0).getInt("exit_code"));
    }

    @Test
    void ignoreErrorContinues() {
        String id = api().create(
                        """
                {"executors": [{"image": "x", "command": ["false"], "ignore_error": true},
                               {"image": "x", "command": ["true"]}]}""");
        JsonObject t = api().awaitTerminal(id, WAIT);
        assertEquals("COMPLETE", t.getString("state"));
        assertEquals(
                2, t.getJsonArray("logs").getJsonObject(0).getJsonArray("logs").size());
    }

    @Test
    void missingInputIsASystemErrorNamingTheUrl() {
        String id = api().create(
                        """
                {"inputs": [{"path": "/data/in", "url": "file:///nonexistent/ergon/input.txt"}],
                 "executors": [{"image": "x", "command": ["true"]}]}""");
        JsonObject t = api().awaitTerminal(id, WAIT);
        assertEquals("SYSTEM_ERROR", t.getString("state"));
        String logs = t.getJsonArray("logs")
                .getJsonObject(0)
                .getJsonArray("system_logs")
                .toString();
        assertTrue(logs.contains("/nonexistent/ergon/input.txt"), logs);
    }

    @Test
    void cancelStopsARunningTaskPromptly() {
        String id = api().create(
                        """
                {"executors": [{"image": "x", "command": ["sleep", "300"]}, {"image": "x", "command": ["true"]}]}""");
        api().awaitState(id, "RUNNING", WAIT);
        long start = System.nanoTime();
        api().cancel(id);
        JsonObject t = api().awaitTerminal(id, Duration.ofSeconds(20));
        assertEquals("CANCELED", t.getString("state"));
        System.out.printf("cancel took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        api().cancel(id); // idempotent
        assertEquals("CANCELED", api().task(id, null).getString("state"));
    }

    @Test
    void listFiltersAndPages() {
        String prefix = "list-" + UUID.randomUUID() + "-";
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            created.add(api().create(
                            """
                    {"name": "%s%d", "tags": {"batch": "%s", "parity": "%s"},
                     "executors": [{"image": "x", "command": ["true"]}]}"""
                                    .formatted(prefix, i, prefix, i % 2 == 0 ? "even" : "odd")));
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            JsonObject page = token == null
                    ? api().list("name_prefix", prefix, "page_size", 3, "view", "BASIC")
                    : api().list("name_prefix", prefix, "page_size", 3, "page_token", token, "view", "BASIC");
            for (JsonObject t : page.getJsonArray("tasks").getValuesAs(JsonObject.class)) {
                assertTrue(seen.add(t.getString("id")));
                assertTrue(t.getString("name").startsWith(prefix));
            }
            token = page.containsKey("next_page_token") ? page.getString("next_page_token") : null;
            pages++;
        } while (token != null);
        assertEquals(created, seen);
        assertEquals(3, pages);
        JsonObject even = api().list("tag_key", "batch", "tag_value", prefix, "tag_key", "parity", "tag_value", "even");
        assertEquals(4, even.getJsonArray("tasks").size());
        JsonObject anyParity = api().list("tag_key", "batch", "tag_value", prefix, "tag_key", "parity");
        assertEquals(7, anyParity.getJsonArray("tasks").size());
        JsonObject none = api().list("name_prefix", prefix, "state", "PREEMPTED");
        assertEquals(0, none.getJsonArray("tasks").size());
    }
}
