package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Ergon's own workflow format ({@code workflow_type} {@value #TYPE}): a JSON or YAML document of
 * named TES tasks with {@code depends_on}, which Ergon runs itself as one TES task per node, in
 * parallel where the graph allows. WES drives it with {@link #load}, {@link #taskFor} and {@link
 * #outputs}; {@link #prepare} only validates and returns a placeholder (a DAG has no engine task).
 *
 * <pre>
 * nodes:
 *   split:
 *     image: debian:bookworm-slim          # default for command
 *     command: [sh, -c, "seq 1 ${params.n} > /out/numbers.txt"]
 *     outputs: [{name: numbers, path: /out/numbers.txt}]
 *   square:
 *     depends_on: [split]
 *     on_failure: continue                 # fail (default): fail fast; continue: run the rest
 *     executors: [{image: x, command: [sh, -c, "..."], env: {A: b}}]
 *     inputs:
 *       - {path: /in/numbers.txt, from: split.numbers}   # an earlier node's output
 *       - {path: /in/note.txt, content: "inline"}
 *       - {path: /in/ref.txt, url: "https://…"}          # or a path in the attachments
 *     outputs: [{name: squares, path: /out/squares.txt}]
 * </pre>
 *
 * {@code nodes} may also be a list of nodes with a {@code name} each. {@code ${params.key}} in a
 * string is replaced with {@code workflow_params}' value. A node's outputs are stored in the
 * run's folder ({@code nodes/<node>/<output>}) and handed to later nodes from there; the run's
 * outputs are {@code "<node>.<output>": URL}. Thread-safe (immutable).
 */
public final class DagAdapter implements LanguageAdapter {
    /** The WES workflow type. */
    public static final String TYPE = "ERGON-DAG";
    /** Tag carrying the node name on each node's TES task. */
    public static final String NODE_TAG = "ergon.dag-node";

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern PARAM = Pattern.compile("\\$\\{params\\.([A-Za-z0-9_.-]+)}");
    private static final Set<String> NODE_KEYS = Set.of(
            "name",
            "image",
            "command",
            "executors",
            "env",
            "workdir",
            "depends_on",
            "on_failure",
            "inputs",
            "outputs",
            "volumes",
            "description");

    private final DagAdapterConfig config;

    public DagAdapter(DagAdapterConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String workflowType() {
        return TYPE;
    }

    @Override
    public List<String> workflowTypeVersions() {
        return List.of("1.0");
    }

    /**
     * Validates the run's DAG. A DAG has no engine task: WES runs its nodes itself, so the task
     * returned is only a placeholder naming the nodes; it is never submitted.
     */
    @Override
    public TaskSpec prepare(RunRequest run) {
        DagWorkflow wf = load(run);
        ExecutorSpec noop = new ExecutorSpec(
                config.image(),
                List.of("true"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                false);
        Map<String, String> tags = new LinkedHashMap<>(run.tags());
        tags.put("ergon.run-id", run.runId());
        return new TaskSpec(
                run.runId() + "-dag",
                Optional.of("ergon-dag " + wf.nodes().size() + " nodes, run by Ergon"),
                List.of(noop),
                List.of(),
                List.of(),
                List.of(),
                ResourceSpec.none(),
                tags,
                Optional.empty());
    }

    /** Reads and validates the run's DAG document (an attachment, a {@code file://} or an {@code http(s)://} URL). */
    public DagWorkflow load(RunRequest run) {
        Map<String, Object> params = Documents.parseObject(run.workflowParams(), "workflow_params");
        return parse(read(run), params);
    }

    /** Parses and validates a DAG document with {@code params} for {@code ${params.key}}. */
    public DagWorkflow parse(String document, Map<String, Object> params) {
        Object root = Documents.parse(document, "workflow_url");
        if (!(root instanceof Map<?, ?> top)) {
            throw ErgonException.invalid(
                    "workflow_url", "the DAG document must be an object with 'nodes', got " + Documents.typeOf(root));
        }
        Object nodesValue = top.get("nodes");
        List<Map<?, ?>> raw = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (nodesValue instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> n)) {
                    throw ErgonException.invalid("nodes." + e.getKey(), "must be an object");
                }
                names.add(String.valueOf(e.getKey()));
                raw.add(n);
            }
        } else if (nodesValue instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Map<?, ?> n)) {
                    throw ErgonException.invalid("nodes[" + i + "]", "must be an object");
                }
                Object name = n.get("name");
                if (!(name instanceof String s)) {
                    throw ErgonException.invalid("nodes[" + i + "].name", "is required");
                }
                names.add(s);
                raw.add(n);
            }
        } else {
            throw ErgonException.invalid(
                    "nodes", "is required: an object of named nodes (or a list of nodes with names)");
        }
        if (raw.isEmpty()) {
            throw ErgonException.invalid("nodes", "must contain at least one node");
        }
        if (raw.size() > config.maxNodes()) {
            throw ErgonException.invalid(
                    "nodes",
                    "has " + raw.size() + " nodes; at most " + config.maxNodes()
                            + " are allowed (ergon.adapter.dag.max-nodes)");
        }
        Set<String> seen = new HashSet<>();
        List<DagWorkflow.Node> nodes = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = names.get(i);
            String f = "nodes." + name;
            if (!NAME.matcher(name).matches()) {
                throw ErgonException.invalid(f, "'" + name + "' is not a valid node name (letters, digits, _ and -)");
            }
            if (!seen.add(name)) {
                throw ErgonException.invalid(f, "is defined twice");
            }
            nodes.add(node(name, raw.get(i), f, params));
        }
        Map<String, DagWorkflow.Node> byName = new TreeMap<>();
        nodes.forEach(n -> byName.put(n.name(), n));
        for (DagWorkflow.Node n : nodes) {
            for (int j = 0; j < n.dependsOn().size(); j++) {
                String d = n.dependsOn().get(j);
                if (!byName.containsKey(d)) {
                    throw ErgonException.invalid(
                            "nodes." + n.name() + ".depends_on[" + j + "]", "'" + d + "' is not a node");
                }
            }
            for (int j = 0; j < n.inputs().size(); j++) {
                DagWorkflow.Input in = n.inputs().get(j);
                if (in.fromNode().isPresent()) {
                    String f = "nodes." + n.name() + ".inputs[" + j + "].from";
                    DagWorkflow.Node producer = byName.get(in.fromNode().get());
                    if (producer == null) {
                        throw ErgonException.invalid(f, "'" + in.fromNode().get() + "' is not a node");
                    }
                    if (producer.output(in.fromOutput().get()).isEmpty()) {
                        throw ErgonException.invalid(
                                f,
                                "node '" + producer.name() + "' has no output '"
                                        + in.fromOutput().get() + "'");
                    }
                    if (!n.dependsOn().contains(producer.name()) && !wfDependsOn(byName, n, producer.name())) {
                        throw ErgonException.invalid(
                                f,
                                "node '" + n.name() + "' must depend on '" + producer.name()
                                        + "' (depends_on) to take its output");
                    }
                }
            }
        }
        return new DagWorkflow(DagWorkflow.topological(nodes), document);
    }

    private static boolean wfDependsOn(Map<String, DagWorkflow.Node> byName, DagWorkflow.Node n, String target) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(n.dependsOn());
        while (!todo.isEmpty()) {
            String d = todo.remove(todo.size() - 1);
            if (d.equals(target)) {
                return true;
            }
            DagWorkflow.Node dn = byName.get(d);
            if (dn != null && seen.add(d)) {
                todo.addAll(dn.dependsOn());
            }
        }
        return false;
    }

    private DagWorkflow.Node node(String name, Map<?, ?> n, String f, Map<String, Object> params) {
        for (Object k : n.keySet()) {
            if (!NODE_KEYS.contains(String.valueOf(k))) {
                throw ErgonException.invalid(
                        f + "." + k, "is not a node field; expected one of " + new java.util.TreeSet<>(NODE_KEYS));
            }
        }
        List<String> dependsOn = strings(n.get("depends_on"), f + ".depends_on", params);
        DagWorkflow.OnFailure onFailure;
        String of = string(n.get("on_failure"), f + ".on_failure", params).orElse("fail");
        try {
            onFailure = DagWorkflow.OnFailure.valueOf(of.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid(f + ".on_failure", "'" + of + "' is not one of fail, continue");
        }
        List<ExecutorSpec> executors = new ArrayList<>();
        Map<String, String> nodeEnv = stringMap(n.get("env"), f + ".env", params);
        Optional<String> nodeWorkdir = string(n.get("workdir"), f + ".workdir", params);
        if (n.get("command") != null) {
            if (n.get("executors") != null) {
                throw ErgonException.invalid(
                        f + ".command", "give either command (one executor) or executors, not both");
            }
            executors.add(
                    executor(Map.of("command", n.get("command")), f, n.get("image"), nodeEnv, nodeWorkdir, params));
        } else if (n.get("executors") instanceof List<?> l && !l.isEmpty()) {
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Map<?, ?> e)) {
                    throw ErgonException.invalid(f + ".executors[" + i + "]", "must be an object");
                }
                executors.add(executor(e, f + ".executors[" + i + "]", n.get("image"), nodeEnv, nodeWorkdir, params));
            }
        } else {
            throw ErgonException.invalid(f + ".command", "is required (or executors: a non-empty list)");
        }
        List<DagWorkflow.Output> outputs = new ArrayList<>();
        Set<String> outNames = new HashSet<>();
        List<Map<?, ?>> outs = objects(n.get("outputs"), f + ".outputs");
        for (int i = 0; i < outs.size(); i++) {
            String of2 = f + ".outputs[" + i + "]";
            Map<?, ?> o = outs.get(i);
            String path = absolute(
                    string(o.get("path"), of2 + ".path", params)
                            .orElseThrow(() -> ErgonException.invalid(of2 + ".path", "is required")),
                    of2 + ".path");
            String oname =
                    string(o.get("name"), of2 + ".name", params).orElse(path.substring(path.lastIndexOf('/') + 1));
            if (!NAME.matcher(oname).matches() && !oname.matches("[A-Za-z0-9_.-]{1,100}")) {
                throw ErgonException.invalid(of2 + ".name", "'" + oname + "' is not a valid output name");
            }
            if (!outNames.add(oname)) {
                throw ErgonException.invalid(of2 + ".name", "'" + oname + "' is used twice");
            }
            outputs.add(new DagWorkflow.Output(oname, path, fileType(o.get("type"), of2 + ".type")));
        }
        List<DagWorkflow.Input> inputs = new ArrayList<>();
        List<Map<?, ?>> ins = objects(n.get("inputs"), f + ".inputs");
        for (int i = 0; i < ins.size(); i++) {
            String inf = f + ".inputs[" + i + "]";
            Map<?, ?> in = ins.get(i);
            String path = absolute(
                    string(in.get("path"), inf + ".path", params)
                            .orElseThrow(() -> ErgonException.invalid(inf + ".path", "is required")),
                    inf + ".path");
            Optional<String> content = string(in.get("content"), inf + ".content", params);
            Optional<String> url = string(in.get("url"), inf + ".url", params);
            Optional<String> from = string(in.get("from"), inf + ".from", params);
            if ((content.isPresent() ? 1 : 0) + (url.isPresent() ? 1 : 0) + (from.isPresent() ? 1 : 0) != 1) {
                throw ErgonException.invalid(inf, "exactly one of content, url and from must be set");
            }
            Optional<String> fromNode = Optional.empty();
            Optional<String> fromOutput = Optional.empty();
            if (from.isPresent()) {
                int dot = from.get().indexOf('.');
                if (dot <= 0 || dot == from.get().length() - 1) {
                    throw ErgonException.invalid(inf + ".from", "'" + from.get() + "' is not <node>.<output>");
                }
                fromNode = Optional.of(from.get().substring(0, dot));
                fromOutput = Optional.of(from.get().substring(dot + 1));
            }
            inputs.add(new DagWorkflow.Input(
                    path, fileType(in.get("type"), inf + ".type"), content, url, fromNode, fromOutput));
        }
        List<String> volumes = strings(n.get("volumes"), f + ".volumes", params);
        for (int i = 0; i < volumes.size(); i++) {
            absolute(volumes.get(i), f + ".volumes[" + i + "]");
        }
        return new DagWorkflow.Node(name, dependsOn, onFailure, executors, inputs, outputs, volumes);
    }

    private ExecutorSpec executor(
            Map<?, ?> e,
            String f,
            Object nodeImage,
            Map<String, String> nodeEnv,
            Optional<String> nodeWorkdir,
            Map<String, Object> params) {
        Object commandValue = e.get("command");
        List<String> command;
        if (commandValue instanceof String s) {
            command = List.of("sh", "-c", substitute(s, f + ".command", params));
        } else {
            command = strings(commandValue, f + ".command", params);
        }
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw ErgonException.invalid(f + ".command", "must be a non-empty list (or a shell script string)");
        }
        String image = string(e.get("image"), f + ".image", params)
                .or(() -> string(nodeImage, f + ".image", params))
                .orElse(config.image());
        Map<String, String> env = new LinkedHashMap<>(nodeEnv);
        env.putAll(stringMap(e.get("env"), f + ".env", params));
        Optional<String> workdir =
                string(e.get("workdir"), f + ".workdir", params).or(() -> nodeWorkdir);
        workdir.ifPresent(w -> absolute(w, f + ".workdir"));
        Optional<String> stdout = string(e.get("stdout"), f + ".stdout", params);
        Optional<String> stderr = string(e.get("stderr"), f + ".stderr", params);
        Optional<String> stdin = string(e.get("stdin"), f + ".stdin", params);
        boolean ignoreError = Boolean.TRUE.equals(e.get("ignore_error"));
        return new ExecutorSpec(image, command, workdir, stdin, stdout, stderr, env, ignoreError);
    }

    /**
     * The TES task of {@code node}: its executors, inputs (an earlier node's output comes from
     * {@code nodes/<node>/<output>} in the run's folder), and outputs stored at {@code
     * nodes/<this node>/<output>}. URLs without a scheme are relative to the run's folder (WES
     * resolves them). Tagged {@code ergon.run-id} and {@value #NODE_TAG}.
     */
    public TaskSpec taskFor(RunRequest run, DagWorkflow wf, DagWorkflow.Node node, String taskId) {
        List<InputSpec> inputs = new ArrayList<>();
        for (DagWorkflow.Input in : node.inputs()) {
            // A relative url names an attachment of the run.
            Optional<String> url = in.url().map(u -> EngineTask.absoluteUrl(u).isPresent() ? u : "attachments/" + u);
            FileType type = in.type();
            if (in.fromNode().isPresent()) {
                DagWorkflow.Output produced = wf.node(in.fromNode().get())
                        .orElseThrow()
                        .output(in.fromOutput().get())
                        .orElseThrow();
                url = Optional.of(outputUrl(in.fromNode().get(), produced.name()));
                type = produced.type();
            }
            inputs.add(new InputSpec(Optional.empty(), url, in.path(), type, in.content(), false));
        }
        List<OutputSpec> outputs = new ArrayList<>();
        for (DagWorkflow.Output o : node.outputs()) {
            outputs.add(new OutputSpec(
                    Optional.of(o.name()), outputUrl(node.name(), o.name()), o.path(), Optional.empty(), o.type()));
        }
        Map<String, String> tags = new LinkedHashMap<>(run.tags());
        tags.put("ergon.run-id", run.runId());
        tags.put(NODE_TAG, node.name());
        return new TaskSpec(
                taskId,
                Optional.of(node.name()),
                node.executors(),
                inputs,
                outputs,
                node.volumes(),
                ResourceSpec.none(),
                tags,
                Optional.empty());
    }

    /** Where a node's output is kept, relative to the run's folder. */
    public static String outputUrl(String node, String output) {
        return "nodes/" + node + "/" + output;
    }

    /**
     * The run's outputs from the folder holding {@code <node>/<output>} (the run's {@code nodes}
     * folder): {@code "<node>.<output>"} → the URL of the file or folder.
     */
    @Override
    public Map<String, Object> outputs(RunRequest run, Path results) {
        Map<String, Object> out = new TreeMap<>();
        if (!Files.isDirectory(results)) {
            return out;
        }
        try (Stream<Path> nodes = Files.list(results)) {
            for (Path n : nodes.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> outputs = Files.list(n)) {
                    outputs.sorted()
                            .forEach(o -> out.put(
                                    n.getFileName() + "." + o.getFileName(),
                                    o.toAbsolutePath().normalize().toUri().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + results, e);
        }
        return out;
    }

    // ---- reading ---------------------------------------------------------------------------

    private String read(RunRequest run) {
        String url = run.workflowUrl().trim();
        Optional<URI> absolute = EngineTask.absoluteUrl(url);
        if (absolute.isEmpty()) {
            String container = EngineTask.locate(run);
            Path file = run.attachments()
                    .toAbsolutePath()
                    .normalize()
                    .resolve(container.substring(EngineTask.WORKFLOW_DIR.length() + 1));
            return readFile(file);
        }
        URI u = absolute.get();
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            Path file = Path.of(u);
            if (!Files.isRegularFile(file)) {
                throw ErgonException.invalid("workflow_url", "'" + url + "' is not a file");
            }
            return readFile(file);
        }
        if (scheme.equals("http") || scheme.equals("https")) {
            try (HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build()) {
                HttpResponse<InputStream> r = client.send(
                        HttpRequest.newBuilder(u)
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        throw ErgonException.invalid("workflow_url", "'" + url + "' answered HTTP " + r.statusCode());
                    }
                    byte[] bytes = in.readNBytes(config.maxDocumentBytes() + 1);
                    if (bytes.length > config.maxDocumentBytes()) {
                        throw ErgonException.invalid(
                                "workflow_url", "the document is larger than " + config.maxDocumentBytes() + " bytes");
                    }
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT, "workflow_url", "workflow_url: cannot read '" + url + "': " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "interrupted while reading " + url);
            }
        }
        throw ErgonException.invalid(
                "workflow_url", "'" + url + "': the DAG document must be attached or at a file:// or http(s):// URL");
    }

    private String readFile(Path file) {
        try {
            if (Files.size(file) > config.maxDocumentBytes()) {
                throw ErgonException.invalid(
                        "workflow_url", "the document is larger than " + config.maxDocumentBytes() + " bytes");
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw ErgonException.invalid("workflow_url", "cannot read the document: " + e.getMessage());
        }
    }

    // ---- typed reads -----------------------------------------------------------------------

    private static String substitute(String s, String field, Map<String, Object> params) {
        Matcher m = PARAM.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            if (!params.containsKey(key)) {
                throw ErgonException.invalid("workflow_params", "has no '" + key + "', which " + field + " uses");
            }
            Object v = params.get(key);
            m.appendReplacement(b, Matcher.quoteReplacement(v instanceof String str ? str : Documents.toJson(v)));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static Optional<String> string(Object v, String field, Map<String, Object> params) {
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(substitute(s, field, params));
        }
        if (v instanceof Number || v instanceof Boolean) {
            return Optional.of(v.toString());
        }
        throw ErgonException.invalid(field, "must be a string, got " + Documents.typeOf(v));
    }

    private static List<String> strings(Object v, String field, Map<String, Object> params) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw ErgonException.invalid(field, "must be a list of strings, got " + Documents.typeOf(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(string(l.get(i), field + "[" + i + "]", params)
                    .orElseThrow(() -> ErgonException.invalid(field, "must not contain null")));
        }
        return out;
    }

    private static Map<String, String> stringMap(Object v, String field, Map<String, Object> params) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw ErgonException.invalid(field, "must be an object of strings, got " + Documents.typeOf(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(
                    String.valueOf(e.getKey()),
                    string(e.getValue(), field + "." + e.getKey(), params).orElse(""));
        }
        return out;
    }

    private static List<Map<?, ?>> objects(Object v, String field) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw ErgonException.invalid(field, "must be a list, got " + Documents.typeOf(v));
        }
        List<Map<?, ?>> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) {
                throw ErgonException.invalid(field + "[" + i + "]", "must be an object");
            }
            out.add(m);
        }
        return out;
    }

    private static FileType fileType(Object v, String field) {
        if (v == null) {
            return FileType.FILE;
        }
        try {
            return FileType.valueOf(String.valueOf(v).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid(field, "'" + v + "' is not one of FILE, DIRECTORY");
        }
    }

    private static String absolute(String path, String field) {
        if (!path.startsWith("/") || ("/" + path + "/").contains("/../") || path.indexOf('\0') >= 0) {
            throw ErgonException.invalid(field, "'" + path + "' must be an absolute path without '..'");
        }
        return path;
    }
}
