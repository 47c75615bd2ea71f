package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.atlassian.oai.validator.model.Request;
import dev.ergon.testkit.Eventually;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/** A small WES client over real HTTP that checks every successful response against the WES spec. */
final class WesClient {
    static final Set<String> TERMINAL = Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED");

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    WesClient(URI server) {
        String s = server.toString();
        this.base = (s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/ga4gh/wes/v1";
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    Reply send(HttpRequest r) {
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            return new Reply(resp.statusCode(), resp.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Reply post(Form form) {
        return send(HttpRequest.newBuilder(URI.create(base + "/runs"))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()))
                .build());
    }

    Reply get(String path, String... query) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < query.length; i += 2) {
            q.append(q.length() == 0 ? "?" : "&")
                    .append(query[i])
                    .append('=')
                    .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
        }
        return send(
                HttpRequest.newBuilder(URI.create(base + "/" + path + q)).GET().build());
    }

    String submit(Form form) {
        Reply r = post(form);
        assertEquals(200, r.status(), r.body());
        WesConformance.check(Request.Method.POST, "/runs", 200, r.body());
        return r.json().getString("run_id");
    }

    JsonObject checked(String path, String... query) {
        Reply r = get(path, query);
        assertEquals(200, r.status(), path + ": " + r.body());
        WesConformance.check(Request.Method.GET, "/" + path, 200, r.body());
        return r.json();
    }

    JsonObject run(String id) {
        return checked("runs/" + id);
    }

    String state(String id) {
        return checked("runs/" + id + "/status").getString("state");
    }

    JsonObject cancel(String id) {
        Reply r = send(HttpRequest.newBuilder(URI.create(base + "/runs/" + id + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(200, r.status(), r.body());
        WesConformance.check(Request.Method.POST, "/runs/" + id + "/cancel", 200, r.body());
        return r.json();
    }

    JsonObject awaitEnd(String id, Duration timeout) {
        Eventually.await(timeout, "run " + id + " to end", () -> TERMINAL.contains(state(id)));
        return run(id);
    }

    String text(String url) {
        Reply r = send(HttpRequest.newBuilder(URI.create(url)).GET().build());
        assertEquals(200, r.status(), url + ": " + r.body());
        return r.body();
    }

    /** An ordinary request with the given fields: type, version, url, params. */
    static Form form(String type, String version, String url, String params) {
        Form f = new Form()
                .field("workflow_type", type)
                .field("workflow_type_version", version)
                .field("workflow_url", url);
        if (params != null) {
            f.field("workflow_params", params);
        }
        return f;
    }
}
