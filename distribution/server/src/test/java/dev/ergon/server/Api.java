package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.atlassian.oai.validator.model.Request;
import dev.ergon.testkit.Eventually;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.Duration;
import java.util.Set;

/** A small TES client over real HTTP that checks every successful response against the spec. */
final class Api {
    static final Set<String> TERMINAL = Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED");

    private final WebTarget tes;

    Api(WebTarget root) {
        this.tes = root.path("ga4gh/tes/v1");
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    Reply post(String path, String body, String contentType) {
        try (Response r = tes.path(path).request().post(Entity.entity(body, contentType))) {
            return new Reply(r.getStatus(), r.readEntity(String.class));
        }
    }

    Reply get(String path, Object... query) {
        WebTarget t = tes.path(path);
        for (int i = 0; i < query.length; i += 2) {
            t = t.queryParam((String) query[i], query[i + 1]);
        }
        try (Response r = t.request(MediaType.APPLICATION_JSON).get()) {
            return new Reply(r.getStatus(), r.readEntity(String.class));
        }
    }

    String create(String taskJson) {
        Reply r = post("tasks", taskJson, MediaType.APPLICATION_JSON);
        assertEquals(200, r.status(), r.body());
        TesConformance.check(Request.Method.POST, "/tasks", 200, r.body());
        return r.json().getString("id");
    }

    JsonObject task(String id, String view) {
        Reply r = get("tasks/" + id, "view", view);
        assertEquals(200, r.status(), r.body());
        TesConformance.check(Request.Method.GET, "/tasks/" + id, 200, r.body());
        return r.json();
    }

    JsonObject list(Object... query) {
        Reply r = get("tasks", query);
        assertEquals(200, r.status(), r.body());
        TesConformance.check(Request.Method.GET, "/tasks", 200, r.body());
        return r.json();
    }

    void cancel(String id) {
        Reply r = post("tasks/" + id + ":cancel", "", MediaType.APPLICATION_JSON);
        assertEquals(200, r.status(), r.body());
        TesConformance.check(Request.Method.POST, "/tasks/" + id + ":cancel", 200, r.body());
    }

    JsonObject awaitTerminal(String id, Duration timeout) {
        return Eventually.get(timeout, "task " + id + " to end", () -> {
            JsonObject t = task(id, "FULL");
            return TERMINAL.contains(t.getString("state")) ? t : null;
        });
    }

    JsonObject awaitState(String id, String state, Duration timeout) {
        return Eventually.get(timeout, "task " + id + " to be " + state, () -> {
            JsonObject t = task(id, "BASIC");
            return state.equals(t.getString("state")) ? t : null;
        });
    }
}
