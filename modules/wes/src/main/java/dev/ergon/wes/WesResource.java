package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.tes.TaskService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;

/**
 * GA4GH WES 1.1 under {@code /ga4gh/wes/v1}, plus two small extensions the run and task logs
 * point at: {@code GET /runs/{id}/logs/{stdout|stderr}} (the engine's output) and {@code GET
 * /runs/{id}/tasks/{task_id}/logs/{stdout|stderr}}, as {@code text/plain}.
 */
@ApplicationScoped
@Path("/ga4gh/wes/v1")
@Produces(MediaType.APPLICATION_JSON)
public class WesResource {
    private final RunService runs;
    private final TaskService tasks;

    @Inject
    public WesResource(RunService runs, TaskService tasks) {
        this.runs = runs;
        this.tasks = tasks;
    }

    @GET
    @Path("service-info")
    public Response serviceInfo(@Context UriInfo uri) {
        apiRole();
        return ok(runs.serviceInfo(base(uri)));
    }

    @POST
    @Path("runs")
    @Consumes(MediaType.WILDCARD)
    public Response create(@HeaderParam("Content-Type") String contentType, InputStream body) {
        apiRole();
        String id = runs.create(body, contentType);
        return ok(WesJson.JSON.createObjectBuilder().add("run_id", id).build());
    }

    @GET
    @Path("runs")
    public Response list(@QueryParam("page_size") String pageSize, @QueryParam("page_token") String pageToken) {
        apiRole();
        return ok(runs.list(integer(pageSize), pageToken));
    }

    @GET
    @Path("runs/{run_id}")
    public Response get(@PathParam("run_id") String id, @Context UriInfo uri) {
        apiRole();
        return ok(runs.runLog(id, base(uri)));
    }

    @GET
    @Path("runs/{run_id}/status")
    public Response status(@PathParam("run_id") String id) {
        apiRole();
        return ok(runs.status(id));
    }

    @POST
    @Path("runs/{run_id}/cancel")
    @Consumes(MediaType.WILDCARD)
    public Response cancel(@PathParam("run_id") String id) {
        apiRole();
        return ok(runs.cancel(id));
    }

    @GET
    @Path("runs/{run_id}/tasks")
    public Response tasks(
            @PathParam("run_id") String id,
            @QueryParam("page_size") String pageSize,
            @QueryParam("page_token") String pageToken,
            @Context UriInfo uri) {
        apiRole();
        return ok(runs.tasks(id, integer(pageSize), pageToken, base(uri)));
    }

    @GET
    @Path("runs/{run_id}/tasks/{task_id}")
    public Response task(@PathParam("run_id") String id, @PathParam("task_id") String taskId, @Context UriInfo uri) {
        apiRole();
        return ok(runs.task(id, taskId, base(uri)));
    }

    @GET
    @Path("runs/{run_id}/logs/{stream}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response runLogText(@PathParam("run_id") String id, @PathParam("stream") String stream) {
        apiRole();
        return Response.ok(runs.logText(id, null, stream), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .build();
    }

    @GET
    @Path("runs/{run_id}/tasks/{task_id}/logs/{stream}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response taskLogText(
            @PathParam("run_id") String id, @PathParam("task_id") String taskId, @PathParam("stream") String stream) {
        apiRole();
        return Response.ok(runs.logText(id, taskId, stream), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .build();
    }

    private void apiRole() {
        if (!tasks.servesApi()) {
            throw new ErgonException(
                    ErrorKind.NOT_FOUND, "this Ergon process runs with --role controller and serves no API");
        }
    }

    /** The WES base URL as the client called it, e.g. {@code http://localhost:8080/ga4gh/wes/v1}. */
    private static String base(UriInfo uri) {
        String b = uri.getBaseUriBuilder().path("ga4gh/wes/v1").build().toString();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    private static Integer integer(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ErgonException.invalid("page_size", "'" + v + "' is not an integer");
        }
    }

    private static Response ok(JsonObject o) {
        return Response.ok(o.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
