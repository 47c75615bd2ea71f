package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nextflow (DSL2), launched from its jars ({@code java -cp '<classpath>/*' nextflow.cli.Launcher}),
 * offline. Ergon writes {@code /ergon/engine/nextflow.config}: the work folder, {@code
 * params.outdir = '/ergon/results/outputs'} (the published folder; the request's {@code
 * workflow_params} may override it) and the executor ({@code ergon.adapter.nextflow.executor}):
 * {@code local} (processes run inside the engine task), {@code tes} (the {@code nf-ga4gh} plugin
 * pointed at Ergon's TES, each process a TES task) or {@code k8s}. {@link #outputs} returns every
 * file in the published folder by relative path. Thread-safe (immutable).
 */
public final class NextflowAdapter implements LanguageAdapter {
    static final Set<String> EXECUTORS = Set.of("local", "tes", "k8s");
    static final Set<String> PARAMETERS = Set.of("profile", "extra-args", "resume");

    private final NextflowAdapterConfig config;

    public NextflowAdapter(NextflowAdapterConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String workflowType() {
        return "NFL";
    }

    @Override
    public List<String> workflowTypeVersions() {
        return List.of("DSL2");
    }

    @Override
    public TaskSpec prepare(RunRequest run) {
        EngineTask task = new EngineTask(run);
        String workflow = task.workflowPath();
        task.params();
        Map<String, String> p = task.engineParameters(PARAMETERS);
        String conf = EngineTask.ENGINE_DIR + "/nextflow.config";
        task.file(conf, config(config, run.runId()));
        task.env("NXF_HOME", EngineTask.WORK_DIR + "/.nextflow-home")
                .env("NXF_OFFLINE", "true")
                .env("NXF_DISABLE_CHECK_LATEST", "true")
                .env("NXF_ANSI_LOG", "false")
                .env("ERGON_RUN_ID", run.runId());
        List<String> cmd = new ArrayList<>(List.of(
                config.java(),
                "-cp",
                config.classpath() + "/*",
                "nextflow.cli.Launcher",
                "-log",
                EngineTask.WORK_DIR + "/.nextflow.log",
                "run",
                workflow,
                "-c",
                conf,
                "-params-file",
                EngineTask.PARAMS_FILE,
                "-work-dir",
                EngineTask.WORK_DIR + "/work",
                "-offline"));
        if (p.containsKey("profile")) {
            cmd.addAll(List.of("-profile", p.get("profile")));
        }
        if ("true".equalsIgnoreCase(p.get("resume"))) {
            cmd.add("-resume");
        }
        cmd.addAll(Shell.words(config.extraArgs()));
        cmd.addAll(Shell.words(p.get("extra-args")));
        String script = "mkdir -p " + EngineTask.RESULTS_DIR + "/outputs\n" + Shell.join(cmd) + "\n";
        return task.build("nextflow " + run.runId(), config.image(), script);
    }

    /** The {@code nextflow.config} Ergon writes for a run. */
    static String config(NextflowAdapterConfig c, String runId) {
        StringBuilder b =
                new StringBuilder("// Written by Ergon for run ").append(runId).append('\n');
        b.append("params.outdir = '").append(EngineTask.RESULTS_DIR).append("/outputs'\n");
        b.append("workDir = '").append(EngineTask.WORK_DIR).append("/work'\n");
        b.append("process.executor = '").append(c.executor()).append("'\n");
        switch (c.executor()) {
            case "tes" -> {
                b.append("plugins { id 'nf-ga4gh' }\n");
                b.append("tes.endpoint = '")
                        .append(groovy(serverRoot(c.tesUrl())))
                        .append("'\n");
                b.append("process.ext.ergonRunId = '").append(groovy(runId)).append("'\n");
            }
            case "k8s" -> {
                b.append("k8s.namespace = '").append(groovy(c.namespace())).append("'\n");
                b.append("k8s.pod = [[label: 'ergon.run-id', value: '")
                        .append(groovy(runId))
                        .append("']]\n");
            }
            default -> b.append("executor.cpus = ").append(c.cpus()).append('\n');
        }
        return b.toString();
    }

    /** nf-ga4gh wants the server's root; Ergon's TES URL ends in /ga4gh/tes/v1. */
    static String serverRoot(String tesUrl) {
        String u = tesUrl.endsWith("/") ? tesUrl.substring(0, tesUrl.length() - 1) : tesUrl;
        return u.endsWith("/ga4gh/tes/v1") ? u.substring(0, u.length() - "/ga4gh/tes/v1".length()) : u;
    }

    private static String groovy(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }

    @Override
    public Map<String, Object> outputs(RunRequest run, Path results) {
        return new LinkedHashMap<>(EngineTask.files(results.resolve("outputs")));
    }
}
