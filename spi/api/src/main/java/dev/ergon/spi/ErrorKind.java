package dev.ergon.spi;

/** The small set of error categories; each decides the HTTP status in one place. */
public enum ErrorKind {
    /** The caller sent something invalid (HTTP 400). */
    INVALID_INPUT(400),
    /** The named object does not exist (HTTP 404). */
    NOT_FOUND(404),
    /** The request conflicts with the object's current state (HTTP 409). */
    CONFLICT(409),
    /** The request was too large (HTTP 413). */
    TOO_LARGE(413),
    /** A backend or store is unavailable; retrying later may succeed (HTTP 503). */
    BACKEND_UNAVAILABLE(503),
    /** A bug or an unexpected condition (HTTP 500). */
    INTERNAL(500);

    private final int httpStatus;

    ErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status this kind maps to. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether an operation that failed with this kind may succeed when retried unchanged. */
    public boolean retryable() {
        return this == BACKEND_UNAVAILABLE;
    }
}
