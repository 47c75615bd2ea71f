package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.client.WebTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bad RunWorkflow requests are a 400 (413 when too large) whose JSON body names the field, and
 * leave nothing behind: no run row, no folder.
 */
@HelidonTest
@AddConfig(key = "ergon.data-dir", value = "target-wes/it-data/wes-bad-input")
@AddConfig(key = "ergon.wes.max-attachment-bytes", value = "1000")
@AddConfig(key = "ergon.wes.max-request-bytes", value = "100000")
class WesBadInputIT {
    static final String DAG = "nodes:\n  a: {command: [\"true\"]}\n";

    @Inject
    WebTarget target;

    WesClient wes() {
        return new WesClient(target.getUri());
    }

    Path runsDir() {
        return Path.of("target-wes/it-data/wes-bad-input/runs");
    }

    private void rejected(int status, String field, Supplier<Form> form) {
        long runsBefore = runCount();
        long foldersBefore = folders();
        WesClient.Reply r = wes().post(form.get());
        assertEquals(status, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(status, body.getInt("status_code"), r.body());
        assertEquals(field, body.getString("field", null), r.body());
        assertTrue(body.getString("msg").startsWith(field), r.body());
        if (status == 400) {
            WesConformance.check(com.atlassian.oai.validator.model.Request.Method.POST, "/runs", 400, r.body());
        }
        assertEquals(runsBefore, runCount(), "a rejected request left a run behind");
        assertEquals(foldersBefore, folders(), "a rejected request left a folder behind");
    }

    private long runCount() {
        return wes().checked("runs", "page_size", "2047").getJsonArray("runs").size();
    }

    private long folders() {
        try (Stream<Path> s = Files.list(runsDir());
                Stream<Path> in = Files.list(runsDir().resolve(".incoming"))) {
            return s.count() + in.count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void requiredFieldsAreNamed() {
        wes().checked("service-info"); // starts WES so its folders exist
        rejected(400, "workflow_type", () -> new Form()
                .field("workflow_type_version", "1.0")
                .field("workflow_url", "x"));
        rejected(400, "workflow_type_version", () -> new Form()
                .field("workflow_type", "CWL")
                .field("workflow_url", "x"));
        rejected(400, "workflow_url", () -> new Form()
                .field("workflow_type", "CWL")
                .field("workflow_type_version", "v1.2"));
    }

    @Test
    void unsupportedTypesAndVersionsAreNamed() {
        rejected(400, "workflow_type", () -> WesClient.form("COBOL", "1", "dag.yaml", null)
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_type_version", () -> WesClient.form("ERGON-DAG", "9.9", "dag.yaml", null)
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_engine", () -> WesClient.form("CWL", "v1.2", "wf.cwl", null)
                .field("workflow_engine", "nextflow")
                .attach("wf.cwl", "cwlVersion: v1.2\nclass: Workflow\n"));
    }

    @Test
    void malformedJsonFieldsAreNamed() {
        rejected(400, "workflow_params", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", "{not json")
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_params", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", "[1, 2]")
                .attach("dag.yaml", DAG));
        rejected(400, "tags.a", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .field("tags", "{\"a\": 1}")
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_engine_parameters", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .field("workflow_engine_parameters", "nope")
                .attach("dag.yaml", DAG));
    }

    @Test
    void attachmentPathsCannotEscape() {
        for (String bad : new String[] {"../evil.txt", "/etc/passwd", "a/../../b", "C:/x", "a//b", ""}) {
            rejected(400, "workflow_attachment[1]", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                    .attach("dag.yaml", DAG)
                    .attach(bad, "x"));
        }
        rejected(400, "workflow_attachment[1]", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .attach("dag.yaml", DAG)
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_url", () -> WesClient.form("ERGON-DAG", "1.0", "../dag.yaml", null)
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_url", () -> WesClient.form("ERGON-DAG", "1.0", "missing.yaml", null)
                .attach("dag.yaml", DAG));
        rejected(400, "workflow_url", () -> WesClient.form("ERGON-DAG", "1.0", "file:///etc/hostname", null));
    }

    @Test
    void sizesAreBounded() {
        rejected(413, "workflow_attachment[1]", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .attach("dag.yaml", DAG)
                .attach("big.bin", new byte[2000]));
        rejected(413, "body", () -> {
            Form f = WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null).attach("dag.yaml", DAG);
            for (int i = 0; i < 200; i++) {
                f.attach("part-" + i, new byte[900]);
            }
            return f;
        });
    }

    @Test
    void badDagsNameTheNode() {
        rejected(
                400,
                "nodes",
                () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                        .attach(
                                "dag.yaml",
                                """
                nodes:
                  a: {command: ["true"], depends_on: [b]}
                  b: {command: ["true"], depends_on: [a]}
                """));
        rejected(400, "nodes.a.depends_on[0]", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .attach("dag.yaml", "nodes:\n  a: {command: [\"true\"], depends_on: [zz]}\n"));
        rejected(400, "nodes.a.command", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null)
                .attach("dag.yaml", "nodes:\n  a: {}\n"));
        rejected(400, "workflow_params", () -> WesClient.form("ERGON-DAG", "1.0", "dag.yaml", "{}")
                .attach("dag.yaml", "nodes:\n  a: {command: [echo, \"${params.missing}\"]}\n"));
    }

    @Test
    void notMultipartIsRejected() {
        WesClient.Reply r = wes().send(HttpRequest.newBuilder(
                        URI.create(target.getUri().toString().replaceAll("/$", "") + "/ga4gh/wes/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertEquals(400, r.status(), r.body());
        assertEquals("Content-Type", r.json().getString("field"));
    }

    @Test
    void unknownRunsAndTasksAre404() {
        assertEquals(404, wes().get("runs/no-such-run").status());
        assertEquals(404, wes().get("runs/no-such-run/status").status());
        assertEquals(404, wes().get("runs/no-such-run/tasks").status());
        String id = wes().submit(
                        WesClient.form("ERGON-DAG", "1.0", "dag.yaml", null).attach("dag.yaml", DAG));
        assertEquals(404, wes().get("runs/" + id + "/tasks/not-a-task").status());
        assertEquals(400, wes().get("runs", "page_token", "garbage").status());
        assertEquals(400, wes().get("runs", "page_size", "0").status());
    }
}
