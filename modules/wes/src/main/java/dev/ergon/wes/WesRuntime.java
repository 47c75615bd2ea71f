package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import dev.ergon.state.RunEntity;
import dev.ergon.state.RunStore;
import dev.ergon.tes.TaskService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What WES holds once: its settings, the run store (in Ergon's database), the language adapters,
 * the runs' folders, and the TES task service it creates tasks through. Started lazily by the
 * first bean that needs it. Thread-safe.
 */
@ApplicationScoped
public class WesRuntime {
    /** Tag on every task of a run. */
    static final String RUN_TAG = "ergon.run-id";

    private final TaskService tasks;
    private volatile boolean started;
    private WesSettings settings;
    private RunStore store;
    private Adapters adapters;
    private Path runsDir;

    @Inject
    public WesRuntime(TaskService tasks) {
        this.tasks = tasks;
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        var config = ConfigProvider.getConfig();
        settings = WesSettings.from(config);
        store = new RunStore(tasks.database(), Clock.systemUTC());
        runsDir = tasks.dataDir().resolve("runs");
        try {
            Files.createDirectories(runsDir.resolve(".incoming"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + runsDir + ": " + e.getMessage(), e);
        }
        removeAbandonedUploads(runsDir.resolve(".incoming"));
        adapters = Adapters.load(config, tasks.dataDir(), settings.tesUrl());
        started = true;
    }

    /** Uploads of requests that died with an earlier process (an hour old: no live request takes that long). */
    private static void removeAbandonedUploads(Path incoming) {
        java.time.Instant cutoff = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        try (var s = Files.list(incoming)) {
            for (Path p : s.toList()) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    RunService.deleteTree(p);
                }
            }
        } catch (IOException e) {
            // best effort; they are only files
        }
    }

    private void ensureStarted() {
        if (!started) {
            start();
        }
    }

    WesSettings settings() {
        ensureStarted();
        return settings;
    }

    RunStore store() {
        ensureStarted();
        return store;
    }

    Adapters adapters() {
        ensureStarted();
        return adapters;
    }

    TaskService tasks() {
        return tasks;
    }

    /** Where runs keep their folders. */
    Path runsDir() {
        ensureStarted();
        return runsDir;
    }

    /** A run's folder (attachments/, results/, nodes/). */
    Path runDir(RunEntity run) {
        return Path.of(URI.create(run.getStorage()));
    }

    /** The adapter's view of a stored run. */
    RunRequest requestOf(RunEntity r) {
        Map<String, String> engineParams =
                new LinkedHashMap<>(stringMap(WesJson.parseObject(r.getEngineParametersJson(), "engine_parameters")));
        if (r.getWorkflowEngine() != null) {
            engineParams.put("ergon.workflow-engine", r.getWorkflowEngine());
        }
        return new RunRequest(
                r.getId(),
                r.getWorkflowType(),
                r.getWorkflowTypeVersion(),
                r.getWorkflowUrl(),
                r.getWorkflowParamsJson(),
                engineParams,
                stringMap(WesJson.parseObject(r.getTagsJson(), "tags")),
                runDir(r).resolve("attachments"));
    }

    static Map<String, String> stringMap(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
            out.put(
                    e.getKey(),
                    e.getValue() instanceof JsonString s
                            ? s.getString()
                            : e.getValue().toString());
        }
        return out;
    }

    /** The id of a run's task for {@code node}: the same on every call, so creating it is idempotent. */
    static String taskId(String runId, String node) {
        return UUID.nameUUIDFromBytes((runId + "/" + node).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * {@code spec} with id {@code id} and every URL without a scheme resolved against the run's
     * folder; checks that none leaves it.
     */
    static TaskSpec resolve(TaskSpec spec, String id, Path runDir) {
        List<InputSpec> inputs = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            inputs.add(
                    in.url().isEmpty()
                            ? in
                            : new InputSpec(
                                    in.name(),
                                    Optional.of(resolveUrl(in.url().get(), runDir)),
                                    in.path(),
                                    in.type(),
                                    in.content(),
                                    in.streamable()));
        }
        List<OutputSpec> outputs = new ArrayList<>();
        for (OutputSpec out : spec.outputs()) {
            outputs.add(new OutputSpec(
                    out.name(), resolveUrl(out.url(), runDir), out.path(), out.pathPrefix(), out.type()));
        }
        return new TaskSpec(
                id,
                spec.name(),
                spec.executors(),
                inputs,
                outputs,
                spec.volumes(),
                spec.resources(),
                spec.tags(),
                Optional.empty());
    }

    static String resolveUrl(String url, Path runDir) {
        if (url.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return url;
        }
        Path root = runDir.toAbsolutePath().normalize();
        Path p = root.resolve(url).normalize();
        if (!p.startsWith(root)) {
            throw ErgonException.invalid("url", "'" + url + "' leaves the run's folder");
        }
        String u = p.toUri().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** Whether {@code type} is a DIRECTORY (for readers of adapters' specs). */
    static boolean isDirectory(FileType type) {
        return type == FileType.DIRECTORY;
    }
}
