package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * WES 1.1 end to end over real HTTP with Ergon's own DAG format (no external engine): the
 * in-process Helidon server on the embedded default (embedded PostgreSQL, local executor in
 * bubblewrap). Every response is checked against the official WES OpenAPI document.
 */
@HelidonTest
class WesDagIT {
    static final Duration WAIT = Duration.ofSeconds(90);

    /** split → (square, double, negate) in parallel → join; outputs feed later nodes. */
    static final String FAN_OUT_FAN_IN =
            """
            nodes:
              split:
                command: [sh, -c, "seq 1 ${params.n} > /out/numbers.txt"]
                outputs: [{name: numbers, path: /out/numbers.txt}]
              square:
                depends_on: [split]
                command: [sh, -c, "while read n; do echo $((n*n)); done < /in/numbers.txt > /out/result.txt"]
                inputs: [{path: /in/numbers.txt, from: split.numbers}]
                outputs: [{name: result, path: /out/result.txt}]
              double:
                depends_on: [split]
                command: [sh, -c, "while read n; do echo $((n*2)); done < /in/numbers.txt > /out/result.txt"]
                inputs: [{path: /in/numbers.txt, from: split.numbers}]
                outputs: [{name: result, path: /out/result.txt}]
              negate:
                depends_on: [split]
                command: [sh, -c, "while read n; do echo $((0-n)); done < /in/numbers.txt > /out/result.txt"]
                inputs: [{path: /in/numbers.txt, from: split.numbers}]
                outputs: [{name: result, path: /out/result.txt}]
              join:
                depends_on: [square, double, negate]
                command: [sh, -c, "paste -d, /in/s.txt /in/d.txt /in/n.txt > /out/report.csv; cat /out/report.csv"]
                inputs:
                  - {path: /in/s.txt, from: square.result}
                  - {path: /in/d.txt, from: double.result}
                  - {path: /in/n.txt, from: negate.result}
                outputs: [{name: report, path: /out/report.csv}]
            """;

    @Inject
    WebTarget target;

    @Inject
    WesRuntime runtime;

    WesClient wes() {
        return new WesClient(target.getUri());
    }

    @Test
    void serviceInfoListsTheWorkflowTypes() {
        JsonObject info = wes().checked("service-info");
        JsonObject types = info.getJsonObject("workflow_type_versions");
        for (String t : List.of("CWL", "WDL", "SMK", "NFL", "ERGON-DAG")) {
            assertTrue(types.containsKey(t), "service-info lacks " + t + ": " + info);
        }
        assertTrue(
                info.getJsonArray("supported_filesystem_protocols").toString().contains("file"), info.toString());
        assertTrue(info.getJsonObject("system_state_counts").containsKey("COMPLETE"), info.toString());
        assertEquals("wes", info.getJsonObject("type").getString("artifact"));
    }

    @Test
    void dagFansOutAndInAndFeedsOutputsForward() {
        WesClient wes = wes();
        String id = wes.submit(WesClient.form("ERGON-DAG", "1.0", "dag.yaml", "{\"n\": 3}")
                .field("tags", "{\"suite\": \"dag\"}")
                .attach("dag.yaml", FAN_OUT_FAN_IN));
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("COMPLETE", run.getString("state"), run.toString());
        JsonObject outputs = run.getJsonObject("outputs");
        assertEquals(5, outputs.size(), outputs.toString());
        Path report = Path.of(URI.create(outputs.getString("join.report")));
        assertEquals("1,2,-1\n4,4,-2\n9,6,-3\n", read(report));
        assertEquals("dag", run.getJsonObject("request").getJsonObject("tags").getString("suite"));
        assertTrue(run.getJsonObject("run_log").containsKey("start_time"), run.toString());

        JsonObject tasks = wes.checked("runs/" + id + "/tasks");
        JsonArray logs = tasks.getJsonArray("task_logs");
        assertEquals(5, logs.size(), tasks.toString());
        Set<String> names = new HashSet<>();
        for (JsonValue v : logs) {
            JsonObject t = v.asJsonObject();
            names.add(t.getString("name"));
            assertEquals(0, t.getInt("exit_code"), t.toString());
            JsonObject one = wes.checked("runs/" + id + "/tasks/" + t.getString("id"));
            assertEquals(t.getString("id"), one.getString("id"));
        }
        assertEquals(Set.of("split", "square", "double", "negate", "join"), names);
        JsonObject join = logs.stream()
                .map(JsonValue::asJsonObject)
                .filter(t -> t.getString("name").equals("join"))
                .findFirst()
                .orElseThrow();
        assertEquals("1,2,-1\n4,4,-2\n9,6,-3\n", wes.text(join.getString("stdout")));

        // the parallel nodes overlapped or at least all started after split ended and ended before join started
        JsonObject page = wes.checked("runs/" + id + "/tasks", "page_size", "2");
        assertEquals(2, page.getJsonArray("task_logs").size());
        assertFalse(page.getString("next_page_token").isEmpty(), page.toString());
        JsonObject page2 =
                wes.checked("runs/" + id + "/tasks", "page_size", "2", "page_token", page.getString("next_page_token"));
        assertEquals(2, page2.getJsonArray("task_logs").size());
    }

    @Test
    void failFastStopsTheRunAndSkipsDependents() {
        WesClient wes = wes();
        String id = wes.submit(
                WesClient.form("ERGON-DAG", "1.0", "dag.json", null)
                        .attach(
                                "dag.json",
                                """
                {"nodes": [
                  {"name": "bad", "command": ["sh", "-c", "echo broken >&2; exit 3"]},
                  {"name": "after", "depends_on": ["bad"], "command": ["true"]}
                ]}"""));
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("EXECUTOR_ERROR", run.getString("state"), run.toString());
        String logs = run.getJsonObject("run_log").getJsonArray("system_logs").toString();
        assertTrue(logs.contains("node bad failed"), logs);
        assertEquals(
                1,
                wes.checked("runs/" + id + "/tasks").getJsonArray("task_logs").size(),
                "the dependent node ran");
    }

    @Test
    void continueOnFailureRunsTheIndependentBranch() {
        WesClient wes = wes();
        String id = wes.submit(WesClient.form("ergon-dag", "1.0", "flows/dag.yaml", null)
                .attach(
                        "flows/dag.yaml",
                        """
                nodes:
                  flaky: {command: [sh, -c, "exit 1"], on_failure: continue}
                  child: {depends_on: [flaky], command: ["true"]}
                  other:
                    command: [sh, -c, "cat /in/data.txt > /out/copy.txt"]
                    inputs: [{path: /in/data.txt, url: data/sub/input.txt}]
                    outputs: [{name: copy, path: /out/copy.txt}]
                """)
                .attach("data/sub/input.txt", "attached\n"));
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("EXECUTOR_ERROR", run.getString("state"), run.toString());
        String logs = run.getJsonObject("run_log").getJsonArray("system_logs").toString();
        assertTrue(logs.contains("[child]"), logs);
        assertEquals(
                "attached\n",
                read(Path.of(URI.create(run.getJsonObject("outputs").getString("other.copy")))));
    }

    @Test
    void cancelStopsRunningNodes() {
        WesClient wes = wes();
        String id = wes.submit(
                WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                        .attach(
                                "dag.yaml",
                                """
                nodes:
                  slow: {command: [sleep, "300"]}
                  later: {depends_on: [slow], command: ["true"]}
                """));
        dev.ergon.testkit.Eventually.await(
                WAIT, "run " + id + " to run", () -> wes.state(id).equals("RUNNING"));
        wes.cancel(id);
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("CANCELED", run.getString("state"), run.toString());
        JsonArray logs = wes.checked("runs/" + id + "/tasks").getJsonArray("task_logs");
        assertEquals(1, logs.size());
        assertTrue(logs.getJsonObject(0).getJsonArray("system_logs").toString().contains("CANCELED"), logs.toString());
        wes.cancel(id); // idempotent
    }

    @Test
    void clientsSendFieldsAsFilePartsAndUnknownEngineParameters() {
        WesClient wes = wes();
        Form f = new Form()
                .fileField("workflow_type", "ergon-dag")
                .fileField("workflow_type_version", "1.0")
                .fileField("workflow_url", "wf/dag.yaml")
                .fileField("workflow_params", "{\"who\": \"world\"}")
                .fileField("workflow_engine_parameters", "{\"some-engine-flag\": \"1\"}")
                .fileField("tags", "{\"k\": \"v\"}")
                .attach("wf/dag.yaml", "nodes:\n  hello: {command: [sh, -c, \"echo hello ${params.who}\"]}\n");
        String id = wes.submit(f);
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("COMPLETE", run.getString("state"), run.toString());
        assertTrue(
                run.getJsonObject("run_log")
                        .getJsonArray("system_logs")
                        .toString()
                        .contains("some-engine-flag"),
                run.toString());
        JsonObject list = wes.checked("runs", "page_size", "1");
        assertEquals(1, list.getJsonArray("runs").size());
        assertFalse(list.getString("next_page_token").isEmpty());
        JsonObject next = wes.checked("runs", "page_size", "1", "page_token", list.getString("next_page_token"));
        assertFalse(next.getJsonArray("runs")
                .getJsonObject(0)
                .getString("run_id")
                .equals(list.getJsonArray("runs").getJsonObject(0).getString("run_id")));
    }

    @Test
    void aRunWhoseReconcilerDiedIsTakenOverAndFinished() {
        WesClient wes = wes();
        String id = wes.submit(
                WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                        .attach(
                                "dag.yaml",
                                """
                nodes:
                  first: {command: [sh, -c, "sleep 2; echo one > /o/one.txt"], outputs: [{name: one, path: /o/one.txt}]}
                  second:
                    depends_on: [first]
                    command: [sh, -c, "cat /i/one.txt > /o/two.txt"]
                    inputs: [{path: /i/one.txt, from: first.one}]
                    outputs: [{name: two, path: /o/two.txt}]
                """));
        dev.ergon.testkit.Eventually.await(
                WAIT, "run " + id + " to run", () -> !wes.state(id).equals("QUEUED"));
        // The reconciler that held the run "dies": its lease now belongs to a dead owner and has expired.
        runtime.tasks().database().inTransaction(em -> em.createNativeQuery(
                        "UPDATE run SET lease_owner = 'dead-reconciler', lease_expires = now() - interval '1 second' WHERE id = ?1")
                .setParameter(1, id)
                .executeUpdate());
        JsonObject run = wes.awaitEnd(id, WAIT);
        assertEquals("COMPLETE", run.getString("state"), run.toString());
        assertEquals(
                "one\n", read(Path.of(URI.create(run.getJsonObject("outputs").getString("second.two")))));
        assertEquals(
                2,
                wes.checked("runs/" + id + "/tasks").getJsonArray("task_logs").size(),
                "a node ran twice");
    }

    @Test
    void aJerseyMultipartClientSubmitsARun() {
        try (jakarta.ws.rs.client.Client client = jakarta.ws.rs.client.ClientBuilder.newClient()
                        .register(org.glassfish.jersey.media.multipart.MultiPartFeature.class);
                org.glassfish.jersey.media.multipart.FormDataMultiPart form =
                        new org.glassfish.jersey.media.multipart.FormDataMultiPart()) {
            form.field("workflow_type", "Ergon-Dag")
                    .field("workflow_type_version", "1.0")
                    .field("workflow_url", "flows/main.yaml");
            form.bodyPart(new org.glassfish.jersey.media.multipart.file.StreamDataBodyPart(
                    "workflow_attachment",
                    new java.io.ByteArrayInputStream(
                            "nodes:\n  only: {command: [cat, /in/x.txt], inputs: [{path: /in/x.txt, url: data/x.txt}]}\n"
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "flows/main.yaml"));
            form.bodyPart(new org.glassfish.jersey.media.multipart.file.StreamDataBodyPart(
                    "workflow_attachment",
                    new java.io.ByteArrayInputStream("from jersey\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "data/x.txt"));
            String reply;
            try (jakarta.ws.rs.core.Response r = client.target(target.getUri())
                    .path("ga4gh/wes/v1/runs")
                    .request()
                    .post(jakarta.ws.rs.client.Entity.entity(form, form.getMediaType()))) {
                reply = r.readEntity(String.class);
                assertEquals(200, r.getStatus(), reply);
            }
            String id = jakarta.json.Json.createReader(new java.io.StringReader(reply))
                    .readObject()
                    .getString("run_id");
            JsonObject run = wes().awaitEnd(id, WAIT);
            assertEquals("COMPLETE", run.getString("state"), run.toString());
            String taskId = wes().checked("runs/" + id + "/tasks")
                    .getJsonArray("task_logs")
                    .getJsonObject(0)
                    .getString("id");
            assertEquals(
                    "from jersey\n",
                    wes().text(wes().checked("runs/" + id + "/tasks/" + taskId).getString("stdout")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
