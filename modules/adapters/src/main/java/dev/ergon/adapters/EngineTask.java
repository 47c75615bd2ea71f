package dev.ergon.adapters;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The layout every engine task shares, and the helpers that build it. In the task's file system:
 *
 * <ul>
 *   <li>{@value #WORKFLOW_DIR}: the run's attachments (input {@code attachments}, a DIRECTORY);
 *       {@value #PARAMS_FILE} holds {@code workflow_params}, so relative file paths in the
 *       parameters resolve against the attachments;
 *   <li>{@value #URL_DIR}: the primary workflow file when {@code workflow_url} is an absolute URL
 *       (staged by TES like any input);
 *   <li>{@value #ENGINE_DIR}: configuration files the adapter writes for the engine;
 *   <li>{@value #WORK_DIR}: the engine's working folder (a volume);
 *   <li>{@value #RESULTS_DIR}: what the engine leaves for {@link dev.ergon.spi.LanguageAdapter#outputs}
 *       (output {@code results}, a DIRECTORY, staged when the engine succeeds).
 * </ul>
 *
 * <p>URLs in the task that have no scheme ({@code attachments}, {@code results}) are relative to
 * the run's storage folder; WES resolves them. The engine's own stdout and stderr stay in the TES
 * executor log, which WES shows as the run log.
 */
final class EngineTask {
    static final String WORKFLOW_DIR = "/workflow";
    static final String PARAMS_FILE = "/workflow/.ergon-params.json";
    static final String URL_DIR = "/ergon/url";
    static final String ENGINE_DIR = "/ergon/engine";
    static final String WORK_DIR = "/ergon/work";
    static final String RESULTS_DIR = "/ergon/results";
    /** Tag on the engine task listing engine parameters the adapter ignored; WES reports them in the run log. */
    static final String IGNORED_TAG = "ergon.ignored-engine-parameters";

    private final RunRequest run;
    private final List<InputSpec> inputs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String workflowPath;

    EngineTask(RunRequest run) {
        this.run = run;
        inputs.add(new InputSpec(
                Optional.of("attachments"),
                Optional.of("attachments"),
                WORKFLOW_DIR,
                FileType.DIRECTORY,
                Optional.empty(),
                false));
        tags.putAll(run.tags());
        tags.put("ergon.run-id", run.runId());
        tags.put("ergon.workflow-type", run.workflowType());
    }

    /**
     * Checks {@code workflow_url} and returns the container path of the primary workflow file:
     * {@code /workflow/<relative path>} for an attachment, {@code /ergon/url/<file name>} for an
     * absolute URL (then staged by TES).
     *
     * @throws ErgonException INVALID_INPUT naming {@code workflow_url}
     */
    String workflowPath() {
        if (workflowPath == null) {
            workflowPath = locate(run);
            if (workflowPath.startsWith(URL_DIR)) {
                inputs.add(new InputSpec(
                        Optional.of("workflow"),
                        Optional.of(run.workflowUrl()),
                        workflowPath,
                        FileType.FILE,
                        Optional.empty(),
                        false));
            }
        }
        return workflowPath;
    }

    /** The container path of the workflow file for a run, without changing any task. */
    static String locate(RunRequest run) {
        String url = run.workflowUrl().trim();
        if (url.isEmpty()) {
            throw ErgonException.invalid("workflow_url", "is required");
        }
        Optional<URI> absolute = absoluteUrl(url);
        if (absolute.isPresent()) {
            String path = absolute.get().getPath();
            String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
            if (name.isEmpty() || name.equals("..") || name.equals(".")) {
                throw ErgonException.invalid("workflow_url", "'" + url + "' does not name a file");
            }
            return URL_DIR + "/" + name;
        }
        Path attachments = run.attachments().toAbsolutePath().normalize();
        Path file = attachments.resolve(url).normalize();
        if (url.startsWith("/") || !file.startsWith(attachments) || file.equals(attachments)) {
            throw ErgonException.invalid(
                    "workflow_url", "'" + url + "' must be a path inside the attachments or an absolute URL");
        }
        if (!Files.isRegularFile(file)) {
            throw ErgonException.invalid("workflow_url", "'" + url + "' is not one of the attached files");
        }
        return WORKFLOW_DIR + "/" + attachments.relativize(file).toString().replace('\\', '/');
    }

    /** An absolute URL with a scheme of two letters or more (so Windows drive letters are not URLs). */
    static Optional<URI> absoluteUrl(String url) {
        if (!url.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(url));
        } catch (URISyntaxException e) {
            throw ErgonException.invalid("workflow_url", "'" + url + "' is not a valid URL: " + e.getMessage());
        }
    }

    /** Parses {@code workflow_params} (a JSON object) and places it at {@value #PARAMS_FILE}. */
    Map<String, Object> params() {
        Map<String, Object> p = Documents.parseObject(run.workflowParams(), "workflow_params");
        if (inputs.stream().noneMatch(i -> i.path().equals(PARAMS_FILE))) {
            inputs.add(content(PARAMS_FILE, Documents.toJson(p)));
        }
        return p;
    }

    /** Adds a file the adapter writes (a config file) at {@code path}. */
    EngineTask file(String path, String text) {
        inputs.add(content(path, text));
        return this;
    }

    EngineTask env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /**
     * Keeps the engine parameters in {@code known}; the others are listed on the task (tag {@value
     * #IGNORED_TAG}) so WES can say in the run log that they were ignored.
     */
    Map<String, String> engineParameters(Set<String> known) {
        Map<String, String> kept = new TreeMap<>();
        Set<String> ignored = new TreeSet<>();
        for (Map.Entry<String, String> e : run.engineParameters().entrySet()) {
            if (e.getKey().startsWith("ergon.")) {
                continue; // set by WES itself (e.g. ergon.workflow-engine from the request's workflow_engine)
            }
            if (known.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            } else {
                ignored.add(e.getKey());
            }
        }
        if (!ignored.isEmpty()) {
            tags.put(
                    IGNORED_TAG,
                    String.join(",", ignored) + " (known: " + String.join(",", new TreeSet<>(known)) + ")");
        }
        return kept;
    }

    /** The engine task: one {@code sh -c script} executor in {@code image}. */
    TaskSpec build(String name, String image, String script) {
        List<OutputSpec> outputs = List.of(
                new OutputSpec(Optional.of("results"), "results", RESULTS_DIR, Optional.empty(), FileType.DIRECTORY));
        String body = "set -u\nmkdir -p " + RESULTS_DIR + " " + WORK_DIR + "\ncd " + WORK_DIR + "\n" + script;
        ExecutorSpec executor = new ExecutorSpec(
                image,
                List.of("sh", "-c", body),
                Optional.of(WORK_DIR),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                env,
                false);
        return new TaskSpec(
                run.runId() + "-engine",
                Optional.of(name),
                List.of(executor),
                inputs,
                outputs,
                List.of(WORK_DIR),
                ResourceSpec.none(),
                tags,
                Optional.empty());
    }

    private static InputSpec content(String path, String text) {
        return new InputSpec(Optional.empty(), Optional.empty(), path, FileType.FILE, Optional.of(text), false);
    }

    /** The engine chosen by the request's {@code workflow_engine}, else the configured one; must be in {@code supported}. */
    static String engine(RunRequest run, String configured, Set<String> supported) {
        String chosen = run.engineParameters()
                .getOrDefault("ergon.workflow-engine", "")
                .trim()
                .toLowerCase(Locale.ROOT);
        if (chosen.isEmpty()) {
            chosen = configured.toLowerCase(Locale.ROOT);
        }
        if (!supported.contains(chosen)) {
            throw ErgonException.invalid(
                    "workflow_engine", "'" + chosen + "' is not one of " + new TreeSet<>(supported));
        }
        return chosen;
    }

    // ---- results ---------------------------------------------------------------------------

    /** Every regular file under {@code dir}, as relative path → file URL, sorted; empty when there is none. */
    static Map<String, Object> files(Path dir) {
        Map<String, Object> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile)
                    .sorted()
                    .forEach(p -> out.put(
                            dir.relativize(p).toString().replace('\\', '/'),
                            p.toAbsolutePath().normalize().toUri().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    /**
     * {@code v} with every string that names a file in the task's results folder (a container
     * path or {@code file://} URL under {@value #RESULTS_DIR}) rewritten to the file's URL in
     * {@code results}, where it was staged out.
     */
    static Object relocate(Object v, Path results) {
        if (v instanceof String s) {
            String base = results.toAbsolutePath().normalize().toUri().toString();
            if (!base.endsWith("/")) {
                base = base + "/";
            }
            for (String prefix : List.of("file://" + RESULTS_DIR + "/", RESULTS_DIR + "/")) {
                if (s.startsWith(prefix)) {
                    return base + s.substring(prefix.length());
                }
            }
            return s;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), relocate(x, results)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> relocate(x, results)).toList();
        }
        return v;
    }

    /** Reads a JSON object the engine wrote in the results folder; empty when the file is absent or empty. */
    static Map<String, Object> readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            String text = Files.readString(file);
            int start = text.indexOf('{');
            if (start < 0) {
                return Map.of();
            }
            return Documents.parseObject(
                    text.substring(start), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
