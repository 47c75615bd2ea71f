package dev.ergon.adapters;

import dev.ergon.spi.ErgonException;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads JSON and YAML documents (JSON is read as YAML) into plain maps, lists, strings, numbers
 * and booleans with a safe constructor (no arbitrary types), and writes such values as JSON.
 * Stateless and thread-safe.
 */
public final class Documents {
    private static final int MAX_ALIASES = 50;

    private Documents() {}

    /**
     * Parses {@code text}. @throws ErgonException INVALID_INPUT naming {@code field} when it is
     * not well-formed
     */
    public static Object parse(String text, String field) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(64 * 1024 * 1024);
        try {
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            throw ErgonException.invalid(
                    field,
                    "is not well-formed JSON or YAML at line "
                            + (e.getProblemMark() == null
                                    ? "?"
                                    : e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw ErgonException.invalid(field, "is not well-formed JSON or YAML: " + e.getMessage());
        }
    }

    /** Parses {@code text}, which must be an object (blank text is an empty object). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String field) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Object v = parse(text, field);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw ErgonException.invalid(field, "must be a JSON object, got " + typeOf(v));
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw ErgonException.invalid(field, "has a key that is not a string: " + k);
            }
        }
        return (Map<String, Object>) m;
    }

    /** The JSON text of a value made of maps, lists, strings, numbers, booleans and nulls. */
    public static String toJson(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            quote(b, s);
        } else if (v instanceof Boolean
                || v instanceof Integer
                || v instanceof Long
                || v instanceof java.math.BigInteger) {
            b.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            b.append(Double.isFinite(d) ? n.toString() : "null");
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else {
            quote(b, v.toString());
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    static String typeOf(Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return v == null ? "null" : v.getClass().getSimpleName();
    }
}
