package dev.ergon.state;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.List;

/** The few JSON texts the state module writes itself (arrays of log lines). */
final class JsonText {
    private JsonText() {}

    /** A JSON array of strings. */
    static String array(List<String> values) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        values.forEach(b::add);
        return b.build().toString();
    }
}
