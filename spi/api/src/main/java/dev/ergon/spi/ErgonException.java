package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The one unchecked exception Ergon code and backends throw. Its {@link ErrorKind} decides the
 * HTTP status; {@link #field()} names the offending request field or config key when there is
 * one. Messages name the field or key, the value, and what was expected, and never contain
 * secrets.
 */
public class ErgonException extends RuntimeException {
    private final ErrorKind kind;
    private final String field;

    public ErgonException(ErrorKind kind, String message) {
        this(kind, null, message, null);
    }

    public ErgonException(ErrorKind kind, String message, Throwable cause) {
        this(kind, null, message, cause);
    }

    /**
     * @param field the request field (e.g. {@code executors[1].image}) or config key this error is
     *     about, or null when none applies
     */
    public ErgonException(ErrorKind kind, String field, String message, Throwable cause) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.field = field;
    }

    /** An {@link ErrorKind#INVALID_INPUT} error about {@code field}: "field: reason". */
    public static ErgonException invalid(String field, String reason) {
        return new ErgonException(ErrorKind.INVALID_INPUT, field, field + ": " + reason, null);
    }

    /** A {@link ErrorKind#NOT_FOUND} error. */
    public static ErgonException notFound(String message) {
        return new ErgonException(ErrorKind.NOT_FOUND, message);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The request field or config key this error is about, if any. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
