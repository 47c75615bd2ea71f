package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a 4xx with a JSON body naming the field, and leaves nothing behind. */
@HelidonTest
@AddConfig(key = "ergon.data-dir", value = "target/it-data/bad-input")
@AddConfig(key = "ergon.tes.max-request-bytes", value = "65536")
class BadInputIT {
    @Inject
    WebTarget target;

    private Api api() {
        return new Api(target);
    }

    private JsonObject rejected(String body, int status) {
        Api.Reply r = api().post("tasks", body, MediaType.APPLICATION_JSON);
        assertEquals(status, r.status(), r.body());
        JsonObject err = r.json();
        assertEquals(status, err.getInt("status_code"));
        assertTrue(err.getString("msg").length() > 5, err.toString());
        return err;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed JSON            | {\"executors\": [                                                     | body",
                "not an object             | [1,2]                                                                | body",
                "empty body                | ''                                                                   | body",
                "missing executors         | {\"name\": \"x\"}                                                    | executors",
                "empty executors           | {\"executors\": []}                                                  | executors",
                "executors wrong type      | {\"executors\": {\"image\": \"x\"}}                                  | executors",
                "missing image             | {\"executors\": [{\"command\": [\"true\"]}]}                         | executors[0].image",
                "blank image               | {\"executors\": [{\"image\": \" \", \"command\": [\"true\"]}]}       | executors[0].image",
                "missing command           | {\"executors\": [{\"image\": \"x\"}]}                                | executors[0].command",
                "empty command             | {\"executors\": [{\"image\": \"x\", \"command\": []}]}               | executors[0].command",
                "command wrong type        | {\"executors\": [{\"image\": \"x\", \"command\": \"ls -l\"}]}        | executors[0].command",
                "command element type      | {\"executors\": [{\"image\": \"x\", \"command\": [\"ls\", 3]}]}      | executors[0].command[1]",
                "relative workdir          | {\"executors\": [{\"image\": \"x\", \"command\": [\"true\"], \"workdir\": \"data\"}]} | executors[0].workdir",
                "env value type            | {\"executors\": [{\"image\": \"x\", \"command\": [\"true\"], \"env\": {\"A\": 1}}]} | executors[0].env.A",
                "ignore_error type         | {\"executors\": [{\"image\": \"x\", \"command\": [\"true\"], \"ignore_error\": \"yes\"}]} | executors[0].ignore_error",
                "unknown input type enum   | {\"inputs\": [{\"path\": \"/a\", \"content\": \"x\", \"type\": \"BLOB\"}], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | inputs[0].type",
                "input without url/content | {\"inputs\": [{\"path\": \"/a\"}], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | inputs[0].url",
                "input path escapes        | {\"inputs\": [{\"path\": \"/a/../../etc\", \"content\": \"x\"}], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | inputs[0].path",
                "unsupported scheme        | {\"inputs\": [{\"path\": \"/a\", \"url\": \"ftp://host/x\"}], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | inputs[0].url",
                "output without url        | {\"outputs\": [{\"path\": \"/a\"}], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | outputs[0].url",
                "cpu_cores wrong type      | {\"resources\": {\"cpu_cores\": \"two\"}, \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | resources.cpu_cores",
                "negative ram              | {\"resources\": {\"ram_gb\": -1}, \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | resources.ram_gb",
                "tags wrong type           | {\"tags\": [\"a\"], \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | tags",
                "name wrong type           | {\"name\": 5, \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]} | name",
            })
    void badCreateRequestsName(String what, String body, String field) {
        String marker = "bad-" + UUID.randomUUID();
        int before = api().list("name_prefix", marker).getJsonArray("tasks").size();
        JsonObject err = rejected(body, 400);
        assertEquals(field, err.getString("field"), what + ": " + err);
        assertEquals(
                before, api().list("name_prefix", marker).getJsonArray("tasks").size());
    }

    @Test
    void rejectedTaskLeavesNoRow() {
        String name = "half-" + UUID.randomUUID();
        rejected(
                "{\"name\": \"" + name + "\", \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]},"
                        + " {\"image\": \"x\", \"command\": []}]}",
                400);
        assertEquals(0, api().list("name_prefix", name).getJsonArray("tasks").size());
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"description\": \"" + "x".repeat(70_000)
                + "\", \"executors\": [{\"image\": \"x\", \"command\": [\"true\"]}]}";
        JsonObject err = rejected(big, 413);
        assertEquals("body", err.getString("field"));
    }

    @Test
    void unknownIdIs404() {
        Api.Reply r = api().get("tasks/no-such-task");
        assertEquals(404, r.status());
        assertEquals(404, r.json().getInt("status_code"));
        Api.Reply c = api().post("tasks/no-such-task:cancel", "", MediaType.APPLICATION_JSON);
        assertEquals(404, c.status(), c.body());
    }

    @Test
    void badListParametersAre400() {
        assertEquals("page_token", field(api().get("tasks", "page_token", "garbage!")));
        assertEquals("page_size", field(api().get("tasks", "page_size", "0")));
        assertEquals("page_size", field(api().get("tasks", "page_size", "2048")));
        assertEquals("page_size", field(api().get("tasks", "page_size", "ten")));
        assertEquals("view", field(api().get("tasks", "view", "EVERYTHING")));
        assertEquals("state", field(api().get("tasks", "state", "DONE")));
    }

    @Test
    void unknownPathIs404() {
        assertEquals(404, api().get("nothing-here").status());
    }

    private static String field(Api.Reply r) {
        assertEquals(400, r.status(), r.body());
        return r.json().getString("field");
    }
}
