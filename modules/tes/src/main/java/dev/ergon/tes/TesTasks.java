package dev.ergon.tes;

import static dev.ergon.tes.Json.field;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.state.ExecutorEntity;
import dev.ergon.state.TaskEntity;
import dev.ergon.state.TaskState;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Converts between TES 1.1 JSON and Ergon's task representations: a request body into a
 * validated {@link TaskEntity} (the stored form) and {@link TaskSpec} (what a backend runs), a
 * stored task back into a {@link TaskSpec}, and a stored task into the TES JSON of a view.
 * Field names and shapes follow {@code tes-1.1.openapi.yaml}. Thread-safe (stateless).
 */
final class TesTasks {
    static final JsonProvider JSON = JsonProvider.provider();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final long maxContentBytes;

    TesTasks(long maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    /** A parsed, validated CreateTask request. */
    record Parsed(TaskEntity entity, TaskSpec spec) {}

    static JsonObject parseObject(String body, String what) {
        if (body == null || body.isBlank()) {
            throw ErgonException.invalid(what, "the request body is empty; expected a JSON object");
        }
        try (JsonReader r = JSON.createReader(new StringReader(body))) {
            JsonValue v = r.readValue();
            if (!(v instanceof JsonObject o)) {
                throw ErgonException.invalid(what, "must be a JSON object, got " + Json.type(v));
            }
            return o;
        } catch (JsonParsingException e) {
            throw ErgonException.invalid(
                    what,
                    "malformed JSON at line " + e.getLocation().getLineNumber() + ", column "
                            + e.getLocation().getColumnNumber() + ": " + e.getMessage());
        } catch (jakarta.json.JsonException e) {
            throw ErgonException.invalid(what, "malformed JSON: " + e.getMessage());
        }
    }

    /** Validates a CreateTask body; {@code id} is the id Ergon assigns. */
    Parsed parseCreate(JsonObject body, String id) {
        Optional<String> name = Json.string(body, "", "name");
        Optional<String> description = Json.string(body, "", "description");
        List<JsonObject> executorsJson = Json.objects(body, "", "executors");
        if (executorsJson.isEmpty()) {
            throw ErgonException.invalid("executors", "is required and must contain at least one executor");
        }
        List<ExecutorSpec> executors = new ArrayList<>();
        for (int i = 0; i < executorsJson.size(); i++) {
            executors.add(executor(executorsJson.get(i), "executors[" + i + "]"));
        }
        List<JsonObject> inputsJson = Json.objects(body, "", "inputs");
        List<InputSpec> inputs = new ArrayList<>();
        for (int i = 0; i < inputsJson.size(); i++) {
            inputs.add(input(inputsJson.get(i), "inputs[" + i + "]"));
        }
        List<JsonObject> outputsJson = Json.objects(body, "", "outputs");
        List<OutputSpec> outputs = new ArrayList<>();
        for (int i = 0; i < outputsJson.size(); i++) {
            outputs.add(output(outputsJson.get(i), "outputs[" + i + "]"));
        }
        List<String> volumes = Json.strings(body, "", "volumes");
        for (int i = 0; i < volumes.size(); i++) {
            absolutePath(volumes.get(i), "volumes[" + i + "]");
        }
        ResourceSpec resources = Json.object(body, "", "resources")
                .map(r -> resources(r, "resources"))
                .orElse(ResourceSpec.none());
        Map<String, String> tags = Json.stringMap(body, "", "tags");

        TaskSpec spec = new TaskSpec(id, name, executors, inputs, outputs, volumes, resources, tags, Optional.empty());
        TaskEntity e = new TaskEntity();
        e.setId(id);
        e.setName(name.orElse(null));
        e.setDescription(description.orElse(null));
        e.setInputsJson(inputsJson(inputs).toString());
        e.setOutputsJson(outputsJson(outputs).toString());
        e.setVolumesJson(JSON.createArrayBuilder(volumes).build().toString());
        e.setTagsJson(JSON.createObjectBuilder(Map.<String, Object>copyOf(tags))
                .build()
                .toString());
        e.setResourcesJson(Json.object(body, "", "resources")
                .map(r -> resourcesJson(resources).toString())
                .orElse(null));
        List<ExecutorEntity> ee = new ArrayList<>();
        for (int i = 0; i < executors.size(); i++) {
            ExecutorSpec x = executors.get(i);
            ExecutorEntity row = new ExecutorEntity();
            row.setIndex(i);
            row.setImage(x.image());
            row.setCommandJson(JSON.createArrayBuilder(x.command()).build().toString());
            row.setWorkdir(x.workdir().orElse(null));
            row.setStdin(x.stdin().orElse(null));
            row.setStdout(x.stdout().orElse(null));
            row.setStderr(x.stderr().orElse(null));
            row.setEnvJson(JSON.createObjectBuilder(Map.<String, Object>copyOf(x.env()))
                    .build()
                    .toString());
            row.setIgnoreError(x.ignoreError());
            ee.add(row);
        }
        e.setExecutors(ee);
        return new Parsed(e, spec);
    }

    /**
     * Validates a task that Ergon itself builds (a WES engine task or DAG node), exactly as a
     * CreateTask body would be validated, keeping {@code spec}'s id.
     */
    Parsed fromSpec(TaskSpec spec) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        spec.name().ifPresent(n -> b.add("name", n));
        b.add("inputs", inputsJson(spec.inputs()));
        b.add("outputs", outputsJson(spec.outputs()));
        JsonArrayBuilder ex = JSON.createArrayBuilder();
        for (ExecutorSpec x : spec.executors()) {
            JsonObjectBuilder e = JSON.createObjectBuilder()
                    .add("image", x.image())
                    .add("command", JSON.createArrayBuilder(x.command()))
                    .add("env", JSON.createObjectBuilder(Map.<String, Object>copyOf(x.env())))
                    .add("ignore_error", x.ignoreError());
            x.workdir().ifPresent(v -> e.add("workdir", v));
            x.stdin().ifPresent(v -> e.add("stdin", v));
            x.stdout().ifPresent(v -> e.add("stdout", v));
            x.stderr().ifPresent(v -> e.add("stderr", v));
            ex.add(e);
        }
        b.add("executors", ex);
        b.add("volumes", JSON.createArrayBuilder(spec.volumes()));
        if (!spec.resources().equals(ResourceSpec.none())) {
            b.add("resources", resourcesJson(spec.resources()));
        }
        b.add("tags", JSON.createObjectBuilder(Map.<String, Object>copyOf(spec.tags())));
        return parseCreate(b.build(), spec.taskId());
    }

    /** The {@link TaskSpec} of a stored task (executors loaded). */
    TaskSpec specOf(TaskEntity t) {
        List<ExecutorSpec> executors = new ArrayList<>();
        for (ExecutorEntity x : t.getExecutors()) {
            JsonObject o = JSON.createObjectBuilder()
                    .add("image", x.getImage())
                    .add("command", parseArray(x.getCommandJson()))
                    .add("env", parseObject(x.getEnvJson(), "env"))
                    .add("ignore_error", x.isIgnoreError())
                    .build();
            JsonObjectBuilder b = JSON.createObjectBuilder(o);
            if (x.getWorkdir() != null) {
                b.add("workdir", x.getWorkdir());
            }
            if (x.getStdin() != null) {
                b.add("stdin", x.getStdin());
            }
            if (x.getStdout() != null) {
                b.add("stdout", x.getStdout());
            }
            if (x.getStderr() != null) {
                b.add("stderr", x.getStderr());
            }
            executors.add(executor(b.build(), "executors[" + x.getIndex() + "]"));
        }
        JsonArray in = parseArray(t.getInputsJson());
        List<InputSpec> inputs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            inputs.add(input(in.getJsonObject(i), "inputs[" + i + "]"));
        }
        JsonArray out = parseArray(t.getOutputsJson());
        List<OutputSpec> outputs = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            outputs.add(output(out.getJsonObject(i), "outputs[" + i + "]"));
        }
        List<String> volumes = parseArray(t.getVolumesJson()).getValuesAs(jakarta.json.JsonString::getString);
        ResourceSpec resources = t.getResourcesJson() == null
                ? ResourceSpec.none()
                : resources(parseObject(t.getResourcesJson(), "resources"), "resources");
        Map<String, String> tags = Json.stringMap(
                JSON.createObjectBuilder()
                        .add("tags", parseObject(t.getTagsJson(), "tags"))
                        .build(),
                "",
                "tags");
        return new TaskSpec(
                t.getId(),
                Optional.ofNullable(t.getName()),
                executors,
                inputs,
                outputs,
                volumes,
                resources,
                tags,
                Optional.empty());
    }

    private ExecutorSpec executor(JsonObject o, String p) {
        String image = Json.requiredString(o, p, "image");
        if (Json.value(o, "command").isEmpty()) {
            throw ErgonException.invalid(field(p, "command"), "is required");
        }
        List<String> command = Json.strings(o, p, "command");
        if (command.isEmpty()) {
            throw ErgonException.invalid(field(p, "command"), "must contain at least one element");
        }
        if (command.get(0).isBlank()) {
            throw ErgonException.invalid(field(p, "command") + "[0]", "the program must not be blank");
        }
        Optional<String> workdir = Json.string(o, p, "workdir").filter(s -> !s.isEmpty());
        workdir.ifPresent(w -> absolutePath(w, field(p, "workdir")));
        Optional<String> stdin = Json.string(o, p, "stdin").filter(s -> !s.isEmpty());
        Optional<String> stdout = Json.string(o, p, "stdout").filter(s -> !s.isEmpty());
        Optional<String> stderr = Json.string(o, p, "stderr").filter(s -> !s.isEmpty());
        stdin.ifPresent(s -> absolutePath(s, field(p, "stdin")));
        stdout.ifPresent(s -> absolutePath(s, field(p, "stdout")));
        stderr.ifPresent(s -> absolutePath(s, field(p, "stderr")));
        Map<String, String> env = Json.stringMap(o, p, "env");
        for (String k : env.keySet()) {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                throw ErgonException.invalid(field(p, "env"), "'" + k + "' is not a valid variable name");
            }
        }
        boolean ignoreError = Json.bool(o, p, "ignore_error").orElse(false);
        return new ExecutorSpec(image, command, workdir, stdin, stdout, stderr, env, ignoreError);
    }

    private InputSpec input(JsonObject o, String p) {
        Optional<String> url = Json.string(o, p, "url").filter(s -> !s.isEmpty());
        Optional<String> content = Json.string(o, p, "content");
        String path = Json.requiredString(o, p, "path");
        absolutePath(path, field(p, "path"));
        FileType type = fileType(o, p);
        if (url.isPresent() == content.isPresent()) {
            throw ErgonException.invalid(field(p, "url"), "exactly one of url and content must be set");
        }
        if (content.isPresent()) {
            if (type == FileType.DIRECTORY) {
                throw ErgonException.invalid(field(p, "type"), "an input with content must be a FILE");
            }
            if (content.get().length() > maxContentBytes) {
                throw ErgonException.invalid(
                        field(p, "content"),
                        "is larger than " + maxContentBytes
                                + " bytes (ergon.tes.max-content-bytes); put it at a URL instead");
            }
        }
        return new InputSpec(
                Json.string(o, p, "name"),
                url,
                path,
                type,
                content,
                Json.bool(o, p, "streamable").orElse(false));
    }

    private OutputSpec output(JsonObject o, String p) {
        String url = Json.requiredString(o, p, "url");
        String path = Json.requiredString(o, p, "path");
        absolutePath(path, field(p, "path"));
        Optional<String> prefix = Json.string(o, p, "path_prefix").filter(s -> !s.isEmpty());
        prefix.ifPresent(s -> absolutePath(s, field(p, "path_prefix")));
        OutputSpec spec = new OutputSpec(Json.string(o, p, "name"), url, path, prefix, fileType(o, p));
        if (prefix.isPresent() && spec.isWildcard() && !path.startsWith(prefix.get())) {
            throw ErgonException.invalid(
                    field(p, "path_prefix"), "'" + prefix.get() + "' is not a prefix of path '" + path + "'");
        }
        return spec;
    }

    private static FileType fileType(JsonObject o, String p) {
        String t = Json.string(o, p, "type").orElse("FILE");
        try {
            return FileType.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid(field(p, "type"), "'" + t + "' is not one of FILE, DIRECTORY");
        }
    }

    private static ResourceSpec resources(JsonObject o, String p) {
        OptionalInt cpu = Json.integer(o, p, "cpu_cores")
                .map(c -> {
                    if (c < 1 || c > 100_000) {
                        throw ErgonException.invalid(field(p, "cpu_cores"), "must be between 1 and 100000, got " + c);
                    }
                    return OptionalInt.of(c.intValue());
                })
                .orElse(OptionalInt.empty());
        OptionalDouble ram = positive(Json.number(o, p, "ram_gb"), field(p, "ram_gb"));
        OptionalDouble disk = positive(Json.number(o, p, "disk_gb"), field(p, "disk_gb"));
        return new ResourceSpec(
                cpu,
                Json.bool(o, p, "preemptible").orElse(false),
                ram,
                disk,
                Json.strings(o, p, "zones"),
                Json.stringMap(o, p, "backend_parameters"),
                Json.bool(o, p, "backend_parameters_strict").orElse(false));
    }

    private static OptionalDouble positive(Optional<Double> v, String field) {
        if (v.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (v.get() <= 0) {
            throw ErgonException.invalid(field, "must be greater than 0, got " + v.get());
        }
        return OptionalDouble.of(v.get());
    }

    private static void absolutePath(String path, String field) {
        if (!path.startsWith("/")) {
            throw ErgonException.invalid(field, "'" + path + "' must be an absolute path");
        }
        for (String seg : path.split("/")) {
            if (seg.equals("..")) {
                throw ErgonException.invalid(field, "'" + path + "' must not contain '..'");
            }
        }
        if (path.indexOf('\0') >= 0) {
            throw ErgonException.invalid(field, "must not contain NUL");
        }
    }

    private static JsonArray inputsJson(List<InputSpec> inputs) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        for (InputSpec i : inputs) {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            i.name().ifPresent(v -> b.add("name", v));
            i.url().ifPresent(v -> b.add("url", v));
            b.add("path", i.path()).add("type", i.type().name());
            i.content().ifPresent(v -> b.add("content", v));
            if (i.streamable()) {
                b.add("streamable", true);
            }
            a.add(b);
        }
        return a.build();
    }

    private static JsonArray outputsJson(List<OutputSpec> outputs) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        for (OutputSpec o : outputs) {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            o.name().ifPresent(v -> b.add("name", v));
            b.add("url", o.url()).add("path", o.path());
            o.pathPrefix().ifPresent(v -> b.add("path_prefix", v));
            b.add("type", o.type().name());
            a.add(b);
        }
        return a.build();
    }

    private static JsonObject resourcesJson(ResourceSpec r) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        r.cpuCores().ifPresent(v -> b.add("cpu_cores", v));
        b.add("preemptible", r.preemptible());
        r.ramGb().ifPresent(v -> b.add("ram_gb", v));
        r.diskGb().ifPresent(v -> b.add("disk_gb", v));
        if (!r.zones().isEmpty()) {
            b.add("zones", JSON.createArrayBuilder(r.zones()));
        }
        if (!r.backendParameters().isEmpty()) {
            b.add("backend_parameters", JSON.createObjectBuilder(Map.<String, Object>copyOf(r.backendParameters())));
        }
        b.add("backend_parameters_strict", r.backendParametersStrict());
        return b.build();
    }

    static JsonArray parseArray(String s) {
        try (JsonReader r = JSON.createReader(new StringReader(s))) {
            return r.readArray();
        }
    }

    // ---- writing -------------------------------------------------------------------------

    /** TES {@code view}. */
    enum View {
        MINIMAL,
        BASIC,
        FULL
    }

    static View view(String v) {
        if (v == null || v.isEmpty()) {
            return View.MINIMAL;
        }
        try {
            return View.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid("view", "'" + v + "' is not one of MINIMAL, BASIC, FULL");
        }
    }

    /** The TES JSON of {@code t} in {@code view}; executors must be loaded for BASIC and FULL. */
    JsonObject write(TaskEntity t, View view) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("id", t.getId())
                .add("state", t.getState().name());
        if (view == View.MINIMAL) {
            return b.build();
        }
        boolean full = view == View.FULL;
        if (t.getName() != null) {
            b.add("name", t.getName());
        }
        if (t.getDescription() != null) {
            b.add("description", t.getDescription());
        }
        JsonArray inputs = parseArray(t.getInputsJson());
        if (!inputs.isEmpty()) {
            if (full) {
                b.add("inputs", inputs);
            } else {
                JsonArrayBuilder a = JSON.createArrayBuilder();
                inputs.getValuesAs(JsonObject.class)
                        .forEach(i -> a.add(JSON.createObjectBuilder(i).remove("content")));
                b.add("inputs", a);
            }
        }
        JsonArray outputs = parseArray(t.getOutputsJson());
        if (!outputs.isEmpty()) {
            b.add("outputs", outputs);
        }
        if (t.getResourcesJson() != null) {
            b.add("resources", parseObject(t.getResourcesJson(), "resources"));
        }
        JsonArrayBuilder ex = JSON.createArrayBuilder();
        for (ExecutorEntity x : t.getExecutors()) {
            JsonObjectBuilder e = JSON.createObjectBuilder()
                    .add("image", x.getImage())
                    .add("command", parseArray(x.getCommandJson()));
            if (x.getWorkdir() != null) {
                e.add("workdir", x.getWorkdir());
            }
            if (x.getStdin() != null) {
                e.add("stdin", x.getStdin());
            }
            if (x.getStdout() != null) {
                e.add("stdout", x.getStdout());
            }
            if (x.getStderr() != null) {
                e.add("stderr", x.getStderr());
            }
            JsonObject env = parseObject(x.getEnvJson(), "env");
            if (!env.isEmpty()) {
                e.add("env", env);
            }
            if (x.isIgnoreError()) {
                e.add("ignore_error", true);
            }
            ex.add(e);
        }
        b.add("executors", ex);
        JsonArray volumes = parseArray(t.getVolumesJson());
        if (!volumes.isEmpty()) {
            b.add("volumes", volumes);
        }
        JsonObject tags = parseObject(t.getTagsJson(), "tags");
        if (!tags.isEmpty()) {
            b.add("tags", tags);
        }
        if (t.getState() != TaskState.QUEUED || !"[]".equals(t.getSystemLogsJson())) {
            b.add("logs", JSON.createArrayBuilder().add(taskLog(t, full)));
        }
        b.add("creation_time", t.getCreationTime().format(RFC3339));
        return b.build();
    }

    private JsonObject taskLog(TaskEntity t, boolean full) {
        JsonObjectBuilder log = JSON.createObjectBuilder();
        JsonArrayBuilder execs = JSON.createArrayBuilder();
        for (ExecutorEntity x : t.getExecutors()) {
            if (x.getExitCode() == null) {
                continue; // tesExecutorLog requires exit_code: a running executor is not listed yet
            }
            JsonObjectBuilder e = JSON.createObjectBuilder();
            time(e, "start_time", x.getStartTime());
            time(e, "end_time", x.getEndTime());
            if (full) {
                e.add("stdout", x.getStdoutTail() == null ? "" : x.getStdoutTail());
                e.add("stderr", x.getStderrTail() == null ? "" : x.getStderrTail());
            }
            e.add("exit_code", x.getExitCode());
            execs.add(e);
        }
        log.add("logs", execs);
        time(log, "start_time", t.getStartTime());
        time(log, "end_time", t.getEndTime());
        log.add("outputs", parseArray(t.getOutputLogsJson()));
        if (full) {
            log.add("system_logs", parseArray(t.getSystemLogsJson()));
        }
        return log.build();
    }

    private static void time(JsonObjectBuilder b, String name, OffsetDateTime t) {
        if (t != null) {
            b.add(name, t.format(RFC3339));
        }
    }
}
