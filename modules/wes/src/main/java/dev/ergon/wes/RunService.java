package dev.ergon.wes;

import dev.ergon.adapters.DagAdapter;
import dev.ergon.adapters.DagWorkflow;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.state.RunEntity;
import dev.ergon.state.RunPage;
import dev.ergon.state.RunState;
import dev.ergon.state.RunStore;
import dev.ergon.state.TaskState;
import dev.ergon.tes.PageTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The WES operations, independent of HTTP: RunWorkflow (read the form, store the attachments,
 * check everything with the language adapter, then store the run; a rejected request leaves
 * nothing behind), GetRunLog, GetRunStatus, ListRuns (keyset pages), CancelRun, ListTasks and
 * GetTask (the run's TES tasks), and service-info. Thread-safe.
 */
@ApplicationScoped
public class RunService {
    private static final Logger LOG = System.getLogger(RunService.class.getName());
    static final int MAX_PAGE_SIZE = 2047;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final WesRuntime wes;

    @Inject
    public RunService(WesRuntime wes) {
        this.wes = wes;
    }

    // ---- RunWorkflow -----------------------------------------------------------------------

    /** Reads, checks and stores a run; returns its id. */
    public String create(InputStream body, String contentType) {
        String id = UUID.randomUUID().toString();
        Path incoming = wes.runsDir().resolve(".incoming").resolve(id);
        Path attachments = incoming.resolve("attachments");
        boolean stored = false;
        try {
            Files.createDirectories(attachments);
            RunForm form;
            try {
                form = RunForm.read(body, contentType, attachments, wes.settings());
            } catch (IOException e) {
                throw ErgonException.invalid("body", "could not be read: " + e.getMessage());
            }
            RunEntity run = validate(id, form, incoming);
            Path finalDir = wes.runsDir().resolve(id);
            Files.move(incoming, finalDir);
            try {
                run.setStorage(finalDir.toUri().toString());
                wes.store().create(run);
                stored = true;
            } finally {
                if (!stored) {
                    deleteTree(finalDir);
                }
            }
            JsonObject engineParams = WesJson.parseObject(run.getEngineParametersJson(), "workflow_engine_parameters");
            if (wes.adapters().byName(run.getAdapter()).orElse(null) instanceof DagAdapter && !engineParams.isEmpty()) {
                wes.store()
                        .appendSystemLogs(
                                id,
                                List.of("workflow_engine_parameters: ignored unknown key(s) "
                                        + String.join(",", new java.util.TreeSet<>(engineParams.keySet()))
                                        + " (Ergon DAG runs take none)"));
            }
            if (!form.ignoredParts.isEmpty()) {
                wes.store()
                        .appendSystemLogs(
                                id, List.of("ignored form parts that WES 1.1 does not define: " + form.ignoredParts));
            }
            wake(new Event("run", id, "created", ""));
            LOG.log(
                    Level.DEBUG,
                    "Run {0} created ({1}, {2} attachments)",
                    id,
                    run.getWorkflowType(),
                    form.attachments.size());
            return id;
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot store the run's files: " + e.getMessage(), e);
        } finally {
            deleteTree(incoming);
        }
    }

    private RunEntity validate(String id, RunForm form, Path runDir) throws IOException {
        String type =
                form.field("workflow_type").orElseThrow(() -> ErgonException.invalid("workflow_type", "is required"));
        String version = form.field("workflow_type_version")
                .orElseThrow(() -> ErgonException.invalid("workflow_type_version", "is required"));
        String url =
                form.field("workflow_url").orElseThrow(() -> ErgonException.invalid("workflow_url", "is required"));
        Map.Entry<String, LanguageAdapter> adapter = wes.adapters().forType(type);
        LanguageAdapter a = adapter.getValue();
        if (a.workflowTypeVersions().stream().noneMatch(v -> v.equalsIgnoreCase(version))) {
            throw ErgonException.invalid(
                    "workflow_type_version",
                    "'" + version + "' is not supported for " + a.workflowType() + "; supported: "
                            + a.workflowTypeVersions());
        }
        JsonObject params = WesJson.parseObject(form.fields.get("workflow_params"), "workflow_params");
        JsonObject tags = WesJson.parseObject(form.fields.get("tags"), "tags");
        for (Map.Entry<String, JsonValue> e : tags.entrySet()) {
            if (!(e.getValue() instanceof JsonString)) {
                throw ErgonException.invalid("tags." + e.getKey(), "must be a string");
            }
            if (e.getKey().startsWith("ergon.")) {
                throw ErgonException.invalid("tags." + e.getKey(), "tags starting with 'ergon.' are Ergon's own");
            }
        }
        JsonObject engineParams =
                WesJson.parseObject(form.fields.get("workflow_engine_parameters"), "workflow_engine_parameters");
        JsonObjectBuilder ep = WesJson.JSON.createObjectBuilder();
        engineParams.forEach((k, v) -> ep.add(k, v instanceof JsonString s ? s.getString() : v.toString()));
        checkUrl(url);
        Optional<String> engine = form.field("workflow_engine");
        Optional<String> engineVersion = form.field("workflow_engine_version");
        if (engineVersion.isPresent() && engine.isEmpty()) {
            throw ErgonException.invalid("workflow_engine", "is required when workflow_engine_version is given");
        }
        if (engine.isPresent()) {
            List<String> engines = EngineCatalog.engines(adapter.getKey());
            if (engines.stream().noneMatch(x -> x.equalsIgnoreCase(engine.get()))) {
                throw ErgonException.invalid(
                        "workflow_engine",
                        "'" + engine.get() + "' does not run " + a.workflowType() + "; engines: " + engines);
            }
        }
        RunEntity r = new RunEntity();
        r.setId(id);
        r.setWorkflowType(a.workflowType());
        r.setWorkflowTypeVersion(version);
        r.setWorkflowUrl(url);
        r.setWorkflowEngine(engine.map(x -> x.toLowerCase(Locale.ROOT)).orElse(null));
        r.setWorkflowEngineVersion(engineVersion.orElse(null));
        r.setWorkflowParamsJson(params.toString());
        r.setTagsJson(tags.toString());
        r.setEngineParametersJson(ep.build().toString());
        r.setAdapter(adapter.getKey());
        r.setStorage(runDir.toUri().toString());
        RunRequest request = wes.requestOf(r);
        if (a instanceof DagAdapter dag) {
            DagWorkflow wf = dag.load(request);
            Files.writeString(runDir.resolve("workflow.dag"), wf.document());
        } else {
            a.prepare(request); // checks the run as the adapter sees it; the reconciler prepares it again
        }
        return r;
    }

    private void checkUrl(String url) {
        if (!url.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return; // relative: an attachment, checked by the adapter
        }
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw ErgonException.invalid("workflow_url", "'" + url + "' is not a valid URL");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            List<Path> roots = wes.settings().allowedFileRoots();
            Path p;
            try {
                p = Path.of(u).toAbsolutePath().normalize();
            } catch (IllegalArgumentException e) {
                throw ErgonException.invalid("workflow_url", "'" + url + "' is not a valid file URL");
            }
            Path real = p;
            try {
                real = p.toRealPath();
            } catch (IOException ignored) {
                // checked below against the normalised path; the adapter reports a missing file
            }
            final Path check = real;
            if (roots.stream().noneMatch(check::startsWith)) {
                throw ErgonException.invalid(
                        "workflow_url",
                        "file:// URLs are allowed only under ergon.wes.allowed-file-roots "
                                + (roots.isEmpty() ? "(none set)" : roots.toString()));
            }
            return;
        }
        if (!scheme.equals("http")
                && !scheme.equals("https")
                && !wes.tasks().storageSchemes().contains(scheme)) {
            throw ErgonException.invalid(
                    "workflow_url",
                    "scheme '" + scheme + "' is not supported; use an attachment, http(s):// or "
                            + wes.tasks().storageSchemes());
        }
    }

    // ---- reads -----------------------------------------------------------------------------

    private RunEntity find(String id) {
        return wes.store().find(id).orElseThrow(() -> ErgonException.notFound("run '" + id + "' not found"));
    }

    /** GetRunStatus. */
    public JsonObject status(String id) {
        RunEntity r = find(id);
        return WesJson.JSON
                .createObjectBuilder()
                .add("run_id", r.getId())
                .add("state", r.getState().name())
                .build();
    }

    /** GetRunLog; {@code base} is the WES base URL (…/ga4gh/wes/v1) for the log and task URLs. */
    public JsonObject runLog(String id, String base) {
        RunEntity r = find(id);
        JsonObjectBuilder request = WesJson.JSON
                .createObjectBuilder()
                .add("workflow_params", WesJson.parseObject(r.getWorkflowParamsJson(), "workflow_params"))
                .add("workflow_type", r.getWorkflowType())
                .add("workflow_type_version", r.getWorkflowTypeVersion())
                .add("tags", WesJson.parseObject(r.getTagsJson(), "tags"))
                .add(
                        "workflow_engine_parameters",
                        WesJson.parseObject(r.getEngineParametersJson(), "workflow_engine_parameters"))
                .add("workflow_url", r.getWorkflowUrl());
        if (r.getWorkflowEngine() != null) {
            request.add("workflow_engine", r.getWorkflowEngine());
        }
        if (r.getWorkflowEngineVersion() != null) {
            request.add("workflow_engine_version", r.getWorkflowEngineVersion());
        }
        String runUrl = base + "/runs/" + r.getId();
        JsonObjectBuilder log =
                WesJson.JSON.createObjectBuilder().add("name", r.getAdapter() + " " + r.getWorkflowType());
        JsonArrayBuilder system = WesJson.JSON.createArrayBuilder();
        WesJson.parse(r.getSystemLogsJson(), "system_logs").asJsonArray().forEach(system::add);
        Optional<String> engineTask = wes.store().nodeTasks(r.getId()).stream()
                .filter(n -> n.node().equals(RunReconciler.ENGINE_NODE))
                .map(dev.ergon.state.RunStore.NodeTask::taskId)
                .findFirst();
        if (engineTask.isPresent()) {
            JsonObject t = wes.tasks().get(engineTask.get(), "FULL");
            JsonArray executors = t.getJsonArray("executors");
            if (executors != null && !executors.isEmpty()) {
                log.add("cmd", executors.getJsonObject(executors.size() - 1).getJsonArray("command"));
            }
            JsonObject tlog = firstLog(t);
            if (tlog != null) {
                JsonArray ex = tlog.getJsonArray("logs");
                if (ex != null && !ex.isEmpty()) {
                    log.add("exit_code", ex.getJsonObject(ex.size() - 1).getInt("exit_code"));
                }
                JsonArray sl = tlog.getJsonArray("system_logs");
                if (sl != null) {
                    sl.forEach(v -> system.add("engine task: " + ((JsonString) v).getString()));
                }
            }
            log.add("stdout", runUrl + "/logs/stdout").add("stderr", runUrl + "/logs/stderr");
        }
        time(log, "start_time", r.getStartTime());
        time(log, "end_time", r.getEndTime());
        log.add("system_logs", system);
        return WesJson.JSON
                .createObjectBuilder()
                .add("run_id", r.getId())
                .add("request", request)
                .add("state", r.getState().name())
                .add("run_log", log)
                .add("task_logs_url", runUrl + "/tasks")
                .add("outputs", WesJson.parseObject(r.getOutputsJson(), "outputs"))
                .build();
    }

    /** ListRuns: newest first, RunSummary items. */
    public JsonObject list(Integer pageSize, String pageToken) {
        int size = pageSize == null ? wes.settings().defaultPageSize() : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ErgonException.invalid("page_size", "must be between 1 and " + MAX_PAGE_SIZE + ", got " + size);
        }
        RunPage page = wes.store().list(size, PageTokens.decode(PageTokens.RUNS, pageToken));
        JsonArrayBuilder runs = WesJson.JSON.createArrayBuilder();
        for (RunEntity r : page.runs()) {
            JsonObjectBuilder b = WesJson.JSON
                    .createObjectBuilder()
                    .add("run_id", r.getId())
                    .add("state", r.getState().name());
            time(b, "start_time", r.getStartTime());
            time(b, "end_time", r.getEndTime());
            b.add("tags", WesJson.parseObject(r.getTagsJson(), "tags"));
            runs.add(b);
        }
        return WesJson.JSON
                .createObjectBuilder()
                .add("runs", runs)
                .add(
                        "next_page_token",
                        page.nextBeforeSeq().isPresent()
                                ? PageTokens.encode(
                                        PageTokens.RUNS, page.nextBeforeSeq().getAsLong())
                                : "")
                .build();
    }

    /** CancelRun (idempotent). */
    public JsonObject cancel(String id) {
        switch (wes.store().requestCancel(id)) {
            case NOT_FOUND -> throw ErgonException.notFound("run '" + id + "' not found");
            case CANCELING -> wake(new Event("run", id, "cancel", ""));
            case UNCHANGED -> {}
        }
        return WesJson.JSON.createObjectBuilder().add("run_id", id).build();
    }

    /** ListTasks: the run's TES tasks (its own and those its engine sent to Ergon's TES), as TaskLogs. */
    public JsonObject tasks(String runId, Integer pageSize, String pageToken, String base) {
        find(runId);
        int size = pageSize == null ? wes.settings().defaultPageSize() : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ErgonException.invalid("page_size", "must be between 1 and " + MAX_PAGE_SIZE + ", got " + size);
        }
        JsonObject page = wes.tasks()
                .list(
                        null,
                        null,
                        List.of(WesRuntime.RUN_TAG),
                        List.of(runId),
                        size,
                        pageToken == null || pageToken.isEmpty() ? null : pageToken,
                        "BASIC"); // FULL would carry every log tail
        JsonArrayBuilder logs = WesJson.JSON.createArrayBuilder();
        for (JsonValue v : page.getJsonArray("tasks")) {
            logs.add(taskLog(runId, v.asJsonObject(), base));
        }
        return WesJson.JSON
                .createObjectBuilder()
                .add("task_logs", logs)
                .add("next_page_token", page.containsKey("next_page_token") ? page.getString("next_page_token") : "")
                .build();
    }

    /** GetTask: one of the run's tasks. */
    public JsonObject task(String runId, String taskId, String base) {
        return taskLog(runId, runTask(runId, taskId), base);
    }

    /** The TES JSON (FULL) of a task of the run; 404 when it is not one of the run's. */
    private JsonObject runTask(String runId, String taskId) {
        find(runId);
        JsonObject t;
        try {
            t = wes.tasks().get(taskId, "FULL");
        } catch (ErgonException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw ErgonException.notFound("task '" + taskId + "' of run '" + runId + "' not found");
            }
            throw e;
        }
        JsonObject tags = t.getJsonObject("tags");
        if (tags == null || !runId.equals(tags.getString(WesRuntime.RUN_TAG, null))) {
            throw ErgonException.notFound("task '" + taskId + "' of run '" + runId + "' not found");
        }
        return t;
    }

    private JsonObject taskLog(String runId, JsonObject t, String base) {
        String id = t.getString("id");
        JsonObjectBuilder b = WesJson.JSON.createObjectBuilder().add("id", id).add("name", t.getString("name", id));
        JsonArray executors = t.getJsonArray("executors");
        JsonObject tlog = firstLog(t);
        JsonArray ex = tlog == null ? null : tlog.getJsonArray("logs");
        if (executors != null && !executors.isEmpty()) {
            int last = ex == null || ex.isEmpty() ? 0 : Math.min(ex.size() - 1, executors.size() - 1);
            b.add("cmd", executors.getJsonObject(last).getJsonArray("command"));
        }
        if (tlog != null) {
            if (tlog.containsKey("start_time")) {
                b.add("start_time", tlog.getString("start_time"));
            }
            if (tlog.containsKey("end_time")) {
                b.add("end_time", tlog.getString("end_time"));
            }
            if (ex != null && !ex.isEmpty()) {
                b.add("exit_code", ex.getJsonObject(ex.size() - 1).getInt("exit_code"));
            }
            JsonArrayBuilder sl = WesJson.JSON.createArrayBuilder();
            JsonArray s = tlog.getJsonArray("system_logs");
            if (s != null) {
                s.forEach(sl::add);
            }
            b.add("system_logs", sl.add("state: " + t.getString("state")));
        } else {
            b.add("system_logs", WesJson.JSON.createArrayBuilder().add("state: " + t.getString("state")));
        }
        String taskUrl = base + "/runs/" + runId + "/tasks/" + id;
        b.add("stdout", taskUrl + "/logs/stdout").add("stderr", taskUrl + "/logs/stderr");
        b.add("tes_uri", base.replace("/ga4gh/wes/v1", "/ga4gh/tes/v1") + "/tasks/" + id + "?view=FULL");
        return b.build();
    }

    /**
     * The standard output or error of a task of the run (every executor's, in order, as the TES
     * executor logs keep them), or of the run's engine task when {@code taskId} is null.
     */
    public String logText(String runId, String taskId, String stream) {
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw ErgonException.notFound("no log '" + stream + "'; use stdout or stderr");
        }
        String id = taskId;
        if (id == null) {
            find(runId);
            id = wes.store().nodeTasks(runId).stream()
                    .filter(n -> n.node().equals(RunReconciler.ENGINE_NODE))
                    .map(RunStore.NodeTask::taskId)
                    .findFirst()
                    .orElseThrow(() -> ErgonException.notFound("run '" + runId + "' has no engine task (yet)"));
        }
        JsonObject t = runTask(runId, id);
        JsonObject tlog = firstLog(t);
        StringBuilder out = new StringBuilder();
        if (tlog != null && tlog.getJsonArray("logs") != null) {
            for (JsonValue e : tlog.getJsonArray("logs")) {
                out.append(e.asJsonObject().getString(stream, ""));
            }
        }
        return out.toString();
    }

    /** GetServiceInfo. */
    public JsonObject serviceInfo(String base) {
        JsonObjectBuilder types = WesJson.JSON.createObjectBuilder();
        wes.adapters()
                .types()
                .forEach((type, versions) -> types.add(
                        type,
                        WesJson.JSON
                                .createObjectBuilder()
                                .add("workflow_type_version", WesJson.JSON.createArrayBuilder(versions))));
        JsonObjectBuilder engines = WesJson.JSON.createObjectBuilder();
        EngineCatalog.VERSIONS.forEach((engine, versions) -> engines.add(
                engine,
                WesJson.JSON
                        .createObjectBuilder()
                        .add("workflow_engine_version", WesJson.JSON.createArrayBuilder(versions))));
        JsonArrayBuilder params = WesJson.JSON.createArrayBuilder();
        EngineCatalog.PARAMETERS.forEach(p -> params.add(WesJson.JSON
                .createObjectBuilder()
                .add("name", p.get(0))
                .add("type", p.get(1))
                .add("default_value", p.get(2))));
        JsonObjectBuilder counts = WesJson.JSON.createObjectBuilder();
        Map<RunState, Long> byState = wes.store().countByState();
        for (RunState s : RunState.values()) {
            counts.add(s.name(), byState.getOrDefault(s, 0L));
        }
        JsonArrayBuilder protocols = WesJson.JSON.createArrayBuilder();
        wes.tasks().storageSchemes().forEach(protocols::add);
        return WesJson.JSON
                .createObjectBuilder()
                .add("id", "dev.ergon.wes")
                .add("name", "Ergon")
                .add(
                        "type",
                        WesJson.JSON
                                .createObjectBuilder()
                                .add("group", "org.ga4gh")
                                .add("artifact", "wes")
                                .add("version", "1.1.0"))
                .add(
                        "description",
                        "Ergon: GA4GH WES 1.1 on TES; a run is a small graph of TES tasks. Workflow types: "
                                + wes.adapters().types().keySet() + ".")
                .add(
                        "organization",
                        WesJson.JSON.createObjectBuilder().add("name", "Ergon").add("url", "https://ergon.dev"))
                .add("documentationUrl", "https://ergon.dev/docs")
                .add("version", "0.1.0")
                .add("workflow_type_versions", types)
                .add("supported_wes_versions", WesJson.JSON.createArrayBuilder().add("1.1.0"))
                .add("supported_filesystem_protocols", protocols)
                .add("workflow_engine_versions", engines)
                .add("default_workflow_engine_parameters", params)
                .add("system_state_counts", counts)
                .add("auth_instructions_url", "https://ergon.dev/docs/auth")
                .add(
                        "tags",
                        WesJson.JSON
                                .createObjectBuilder()
                                .add("tes_url", base.replace("/ga4gh/wes/v1", "/ga4gh/tes/v1"))
                                .add(
                                        "max_request_bytes",
                                        Long.toString(wes.settings().maxRequestBytes()))
                                .add(
                                        "max_attachment_bytes",
                                        Long.toString(wes.settings().maxAttachmentBytes())))
                .build();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static JsonObject firstLog(JsonObject t) {
        JsonArray logs = t.getJsonArray("logs");
        return logs == null || logs.isEmpty() ? null : logs.getJsonObject(logs.size() - 1);
    }

    private static void time(JsonObjectBuilder b, String name, java.time.OffsetDateTime t) {
        if (t != null) {
            b.add(name, t.format(ISO));
        }
    }

    private void wake(Event e) {
        try {
            wes.tasks().events().publish(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.DEBUG, "could not publish {0}: {1}", e, ex.toString());
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove {0}: {1}", root, e.getMessage());
        }
    }

    /** Whether a TES state means the task has ended. */
    static boolean ended(TaskState s) {
        return s.isTerminal();
    }
}
