package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WDL with Toil ({@code toil-wdl-runner}, the default), miniwdl, or Cromwell. Outputs, normalised
 * to the workflow's output object where the engine writes one:
 *
 * <ul>
 *   <li>miniwdl: its {@code outputs.json} (run folder under {@code /ergon/results/run});
 *   <li>Cromwell: the {@code outputs} of its metadata ({@code -m /ergon/results/metadata.json});
 *       with {@code tes-url} set, Cromwell's TES backend sends each call to Ergon's TES;
 *   <li>Toil 5.9 writes no output object: every file it leaves in {@code
 *       /ergon/results/outputs}, by file name.
 * </ul>
 *
 * Thread-safe (immutable).
 */
public final class WdlAdapter implements LanguageAdapter {
    static final Set<String> ENGINES = Set.of("toil", "miniwdl", "cromwell");
    static final Set<String> PARAMETERS = Set.of("extra-args");

    private final WdlAdapterConfig config;

    public WdlAdapter(WdlAdapterConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String workflowType() {
        return "WDL";
    }

    @Override
    public List<String> workflowTypeVersions() {
        return List.of("1.0", "draft-2");
    }

    @Override
    public TaskSpec prepare(RunRequest run) {
        EngineTask task = new EngineTask(run);
        String workflow = task.workflowPath();
        task.params();
        String engine = EngineTask.engine(run, config.engine(), ENGINES);
        Map<String, String> p = task.engineParameters(PARAMETERS);
        List<String> extra = new ArrayList<>(Shell.words(config.extraArgs()));
        extra.addAll(Shell.words(p.get("extra-args")));
        String r = EngineTask.RESULTS_DIR;
        String script =
                switch (engine) {
                    case "miniwdl" ->
                        Shell.join(concat(
                                        List.of(
                                                "miniwdl",
                                                "run",
                                                workflow,
                                                "-i",
                                                EngineTask.PARAMS_FILE,
                                                "-d",
                                                r + "/run",
                                                "--no-outside-imports"),
                                        extra))
                                + "\nrc=$?\n"
                                + "if [ -f " + r + "/run/outputs.json ]; then cp " + r + "/run/outputs.json " + r
                                + "/outputs.json; cat " + r
                                + "/outputs.json; fi\nexit $rc\n";
                    case "cromwell" -> {
                        task.file(EngineTask.ENGINE_DIR + "/cromwell.conf", cromwellConfig(config.tesUrl()));
                        yield Shell.join(concat(
                                        List.of(
                                                config.java(),
                                                "-Dconfig.file=" + EngineTask.ENGINE_DIR + "/cromwell.conf",
                                                "-jar",
                                                config.cromwellJar(),
                                                "run",
                                                workflow,
                                                "-i",
                                                EngineTask.PARAMS_FILE,
                                                "-m",
                                                r + "/metadata.json"),
                                        extra))
                                + "\n";
                    }
                    default ->
                        "mkdir -p " + r + "/outputs\n"
                                + Shell.join(concat(
                                        List.of(
                                                "toil-wdl-runner",
                                                workflow,
                                                EngineTask.PARAMS_FILE,
                                                "-o",
                                                r + "/outputs",
                                                "--jobStore",
                                                EngineTask.WORK_DIR + "/jobstore"),
                                        extra))
                                + "\n";
                };
        if (engine.equals("cromwell") && !config.tesUrl().isEmpty()) {
            task.env("ERGON_TES_URL", config.tesUrl());
        }
        return task.build("wdl " + engine + " " + run.runId(), config.image(), script);
    }

    /** Cromwell's configuration: the TES backend pointed at Ergon when {@code tesUrl} is set, else its local backend. */
    static String cromwellConfig(String tesUrl) {
        StringBuilder b = new StringBuilder("include required(classpath(\"application\"))\n");
        b.append("workflow-options.workflow-log-dir = \"")
                .append(EngineTask.WORK_DIR)
                .append("/cromwell-logs\"\n");
        if (tesUrl.isEmpty()) {
            b.append("backend.providers.Local.config.root = \"")
                    .append(EngineTask.WORK_DIR)
                    .append("/cromwell-executions\"\n");
            return b.toString();
        }
        b.append("backend {\n  default = \"TES\"\n  providers {\n    TES {\n")
                .append("      actor-factory = \"cromwell.backend.impl.tes.TesBackendLifecycleActorFactory\"\n")
                .append("      config {\n")
                .append("        root = \"")
                .append(EngineTask.WORK_DIR)
                .append("/cromwell-executions\"\n")
                .append("        dockerRoot = \"/cromwell-executions\"\n")
                .append("        endpoint = \"")
                .append(trimSlash(tesUrl))
                .append("/tasks\"\n")
                .append("        default-runtime-attributes { cpu: 1, memory: \"2 GB\", disk: \"2 GB\" }\n")
                .append("      }\n    }\n  }\n}\n");
        return b.toString();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> outputs(RunRequest run, Path results) {
        if (Files.isRegularFile(results.resolve("outputs.json"))) {
            return (Map<String, Object>)
                    EngineTask.relocate(EngineTask.readObject(results.resolve("outputs.json")), results);
        }
        if (Files.isRegularFile(results.resolve("metadata.json"))) {
            Object outs =
                    EngineTask.readObject(results.resolve("metadata.json")).get("outputs");
            return outs instanceof Map<?, ?> m ? (Map<String, Object>) EngineTask.relocate(m, results) : Map.of();
        }
        return new LinkedHashMap<>(EngineTask.files(results.resolve("outputs")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
