package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;

/** JSON-P helpers for WES: one provider, parsing that fails with a 400 naming the field. */
final class WesJson {
    static final JsonProvider JSON = JsonProvider.provider();

    private WesJson() {}

    /** Parses a JSON object; blank text is an empty object. */
    static JsonObject parseObject(String text, String field) {
        if (text == null || text.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader r = JSON.createReader(new StringReader(text))) {
            JsonValue v = r.readValue();
            if (!(v instanceof JsonObject o)) {
                throw ErgonException.invalid(
                        field,
                        "must be a JSON object, got " + v.getValueType().name().toLowerCase());
            }
            return o;
        } catch (JsonParsingException e) {
            throw ErgonException.invalid(
                    field,
                    "is not valid JSON (line " + e.getLocation().getLineNumber() + ", column "
                            + e.getLocation().getColumnNumber() + "): " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw ErgonException.invalid(field, "is not valid JSON: " + e.getMessage());
        }
    }

    /** Parses any JSON value. */
    static JsonValue parse(String text, String field) {
        try (JsonReader r = JSON.createReader(new StringReader(text))) {
            return r.readValue();
        } catch (jakarta.json.JsonException e) {
            throw ErgonException.invalid(field, "is not valid JSON: " + e.getMessage());
        }
    }
}
