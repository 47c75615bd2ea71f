package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of JSON-P values that fail with a 400 naming the exact field
 * ({@code executors[1].command: must be an array of strings}).
 */
final class Json {
    private Json() {}

    static String field(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    static Optional<JsonValue> value(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v == null || v.getValueType() == JsonValue.ValueType.NULL ? Optional.empty() : Optional.of(v);
    }

    static Optional<String> string(JsonObject o, String prefix, String name) {
        return value(o, name).map(v -> {
            if (v instanceof JsonString s) {
                return s.getString();
            }
            throw ErgonException.invalid(field(prefix, name), "must be a string, got " + type(v));
        });
    }

    static String requiredString(JsonObject o, String prefix, String name) {
        String s =
                string(o, prefix, name).orElseThrow(() -> ErgonException.invalid(field(prefix, name), "is required"));
        if (s.isBlank()) {
            throw ErgonException.invalid(field(prefix, name), "must not be blank");
        }
        return s;
    }

    static Optional<Boolean> bool(JsonObject o, String prefix, String name) {
        return value(o, name).map(v -> switch (v.getValueType()) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw ErgonException.invalid(field(prefix, name), "must be true or false, got " + type(v));
        });
    }

    static Optional<Long> integer(JsonObject o, String prefix, String name) {
        return value(o, name).map(v -> {
            if (v instanceof JsonNumber n && n.isIntegral()) {
                try {
                    return n.longValueExact();
                } catch (ArithmeticException e) {
                    throw ErgonException.invalid(field(prefix, name), "is out of range");
                }
            }
            throw ErgonException.invalid(field(prefix, name), "must be an integer, got " + type(v));
        });
    }

    static Optional<Double> number(JsonObject o, String prefix, String name) {
        return value(o, name).map(v -> {
            if (v instanceof JsonNumber n) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw ErgonException.invalid(field(prefix, name), "must be a finite number");
                }
                return d;
            }
            throw ErgonException.invalid(field(prefix, name), "must be a number, got " + type(v));
        });
    }

    static Optional<JsonObject> object(JsonObject o, String prefix, String name) {
        return value(o, name).map(v -> {
            if (v instanceof JsonObject j) {
                return j;
            }
            throw ErgonException.invalid(field(prefix, name), "must be an object, got " + type(v));
        });
    }

    static List<JsonObject> objects(JsonObject o, String prefix, String name) {
        Optional<JsonValue> v = value(o, name);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof JsonArray a)) {
            throw ErgonException.invalid(field(prefix, name), "must be an array, got " + type(v.get()));
        }
        List<JsonObject> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonObject j)) {
                throw ErgonException.invalid(
                        field(prefix, name) + "[" + i + "]", "must be an object, got " + type(a.get(i)));
            }
            out.add(j);
        }
        return out;
    }

    static List<String> strings(JsonObject o, String prefix, String name) {
        Optional<JsonValue> v = value(o, name);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof JsonArray a)) {
            throw ErgonException.invalid(field(prefix, name), "must be an array of strings, got " + type(v.get()));
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString s)) {
                throw ErgonException.invalid(
                        field(prefix, name) + "[" + i + "]", "must be a string, got " + type(a.get(i)));
            }
            out.add(s.getString());
        }
        return out;
    }

    static Map<String, String> stringMap(JsonObject o, String prefix, String name) {
        Optional<JsonObject> m = object(o, prefix, name);
        if (m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : m.get().entrySet()) {
            JsonValue v = e.getValue();
            if (v instanceof JsonString s) {
                out.put(e.getKey(), s.getString());
            } else if (v.getValueType() == JsonValue.ValueType.NULL) {
                out.put(e.getKey(), "");
            } else {
                throw ErgonException.invalid(
                        field(prefix, name) + "." + e.getKey(), "must be a string, got " + type(v));
            }
        }
        return out;
    }

    static String type(JsonValue v) {
        return switch (v.getValueType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }
}
