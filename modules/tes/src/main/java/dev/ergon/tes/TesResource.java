package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

/** GA4GH TES 1.1 under {@code /ga4gh/tes/v1}. */
@ApplicationScoped
@Path("/ga4gh/tes/v1")
@Produces(MediaType.APPLICATION_JSON)
public class TesResource {
    static final String VERSION = "0.1.0";

    private final ErgonRuntime runtime;
    private final TaskService tasks;

    @Inject
    public TesResource(ErgonRuntime runtime, TaskService tasks) {
        this.runtime = runtime;
        this.tasks = tasks;
    }

    @GET
    @Path("service-info")
    public Response serviceInfo() {
        apiRole();
        JsonObjectBuilder type = TesTasks.JSON
                .createObjectBuilder()
                .add("group", "org.ga4gh")
                .add("artifact", "tes")
                .add("version", "1.1.0");
        JsonArrayBuilder storage = TesTasks.JSON.createArrayBuilder();
        new TreeSet<>(runtime.filers().schemes()).forEach(s -> storage.add(s + "://"));
        StringBuilder description = new StringBuilder(
                        "Ergon: a GA4GH TES 1.1 execution service on PostgreSQL. Executor backend: '")
                .append(runtime.backendName())
                .append("' ")
                .append(runtime.backend().info())
                .append("; role: ")
                .append(runtime.settings().role().name().toLowerCase())
                .append('.');
        // The TES schema allows no extension object here, so operational facts go in the description.
        runtime.backend().unavailableReason().ifPresent(r -> description
                .append(" WARNING: the executor backend cannot run tasks: ")
                .append(r));
        JsonObject info = TesTasks.JSON
                .createObjectBuilder()
                .add("id", "dev.ergon.tes")
                .add("name", "Ergon")
                .add("type", type)
                .add("description", description.toString())
                .add(
                        "organization",
                        TesTasks.JSON.createObjectBuilder().add("name", "Ergon").add("url", "https://ergon.dev"))
                .add("documentationUrl", "https://ergon.dev/docs")
                .add("environment", runtime.database().isEmbedded() ? "embedded" : "server")
                .add("version", VERSION)
                .add("storage", storage)
                .add("tesResources_backend_parameters", TesTasks.JSON.createArrayBuilder())
                .build();
        return ok(info);
    }

    @POST
    @Path("tasks")
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body) {
        apiRole();
        String id = tasks.create(readLimited(body, runtime.settings().maxRequestBytes()));
        return ok(TesTasks.JSON.createObjectBuilder().add("id", id).build());
    }

    @GET
    @Path("tasks")
    public Response list(
            @QueryParam("name_prefix") String namePrefix,
            @QueryParam("state") String state,
            @QueryParam("tag_key") List<String> tagKeys,
            @QueryParam("tag_value") List<String> tagValues,
            @QueryParam("page_size") String pageSize,
            @QueryParam("page_token") String pageToken,
            @QueryParam("view") String view) {
        apiRole();
        return ok(tasks.list(namePrefix, state, tagKeys, tagValues, integer(pageSize, "page_size"), pageToken, view));
    }

    @GET
    @Path("tasks/{id}")
    public Response get(@PathParam("id") String id, @QueryParam("view") String view) {
        apiRole();
        return ok(tasks.get(id, view));
    }

    @POST
    @Path("tasks/{id: [^/:]+}:cancel")
    @Consumes(MediaType.WILDCARD)
    public Response cancel(@PathParam("id") String id) {
        apiRole();
        tasks.cancel(id);
        return ok(TesTasks.JSON.createObjectBuilder().build());
    }

    private void apiRole() {
        if (!runtime.settings().role().servesApi()) {
            throw new ErgonException(
                    ErrorKind.NOT_FOUND, "this Ergon process runs with --role controller and serves no API");
        }
    }

    private static Integer integer(String v, String field) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ErgonException.invalid(field, "'" + v + "' is not an integer");
        }
    }

    static Response ok(JsonObject o) {
        return Response.ok(o.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** Reads at most {@code max} bytes; a larger body is a 413 naming the limit. */
    static String readLimited(InputStream in, long max) {
        if (in == null) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    throw new ErgonException(
                            ErrorKind.TOO_LARGE,
                            "body",
                            "body: the request is larger than " + max + " bytes (ergon.tes.max-request-bytes)",
                            null);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw ErgonException.invalid("body", "could not be read: " + e.getMessage());
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
