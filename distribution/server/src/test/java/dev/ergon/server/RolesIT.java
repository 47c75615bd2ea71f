package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ergon.state.Database;
import dev.ergon.state.DatabaseSettings;
import dev.ergon.testkit.Eventually;
import jakarta.json.Json;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code --role api} and {@code --role controller} as separate processes on one PostgreSQL
 * server: the API process accepts tasks and runs none; the controller process runs them and
 * serves no TES API.
 */
class RolesIT {
    @Test
    void apiAndControllerProcessesShareTheWork() throws Exception {
        Path dir = Files.createTempDirectory("ergon-roles");
        try (Database db = Database.open(DatabaseSettings.embedded(dir.resolve("db")))) {
            String url = "ergon.db.url=" + db.jdbcUrl();
            try (ServerProcess api = ServerProcess.start(dir.resolve("api"), url, "ergon.role=api")) {
                String id = Json.createReader(new StringReader(api.post(
                                "/ga4gh/tes/v1/tasks",
                                "{\"executors\":[{\"image\":\"x\",\"command\":[\"echo\",\"split roles\"]}]}")))
                        .readObject()
                        .getString("id");
                // Nobody runs it: the API process has no controller. (A negative check needs a
                // bounded wait; 1.5 s is 100x the usual submit-to-start time.)
                Thread.sleep(1500);
                assertEquals("QUEUED", state(api, id));
                try (ServerProcess controller =
                        ServerProcess.startWithoutApi(dir.resolve("ctl"), url, "ergon.role=controller")) {
                    assertEquals(404, controller.status("/ga4gh/tes/v1/tasks/" + id));
                    Eventually.await(Duration.ofSeconds(30), "the controller process to run " + id, () -> "COMPLETE"
                            .equals(state(api, id)));
                }
            }
        }
    }

    private static String state(ServerProcess s, String id) {
        try {
            return Json.createReader(new StringReader(s.get("/ga4gh/tes/v1/tasks/" + id)))
                    .readObject()
                    .getString("state");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
