package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one place errors become HTTP: every error is JSON {@code {"msg", "status_code", "field"}}
 * with the status of its {@link dev.ergon.spi.ErrorKind}. Unexpected exceptions are logged and
 * answered with a 500 that leaks no internals.
 */
public final class ErrorMappers {
    private static final Logger LOG = System.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {}

    static Response error(int status, String msg, String field) {
        JsonObjectBuilder b =
                TesTasks.JSON.createObjectBuilder().add("msg", msg).add("status_code", status);
        if (field != null) {
            b.add("field", field);
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(b.build().toString())
                .build();
    }

    /** {@link ErgonException} → its kind's status. */
    @Provider
    public static final class Ergon implements ExceptionMapper<ErgonException> {
        @Override
        public Response toResponse(ErgonException e) {
            if (e.kind().httpStatus() >= 500) {
                LOG.log(Level.WARNING, "request failed: " + e.getMessage(), e);
            }
            return error(e.kind().httpStatus(), e.getMessage(), e.field().orElse(null));
        }
    }

    /** JAX-RS's own errors (unknown path 404, 405, 415, ...) as JSON. */
    @Provider
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (e instanceof jakarta.ws.rs.NotFoundException && !e.getResponse().hasEntity()) {
                // No resource matched: hand the bare 404 back, so the server routes the request on
                // (health and metrics endpoints live outside JAX-RS).
                return e.getResponse();
            }
            String msg = status == 404 ? "not found" : e.getMessage();
            return error(status, msg == null ? "HTTP " + status : msg, null);
        }
    }

    /** Anything else: a bug. Logged with its stack; the client gets a 500 without internals. */
    @Provider
    public static final class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            if (e instanceof ErgonException ee) {
                return new Ergon().toResponse(ee);
            }
            if (e instanceof WebApplicationException we) {
                return new Web().toResponse(we);
            }
            LOG.log(Level.ERROR, "unexpected error", e);
            return error(500, "internal error: " + e.getClass().getSimpleName(), null);
        }
    }
}
