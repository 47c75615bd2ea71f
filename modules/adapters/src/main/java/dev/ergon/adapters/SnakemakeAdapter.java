package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
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
 * Snakemake (7.x). The attachments are copied into the working folder {@code /ergon/work} and
 * Snakemake runs there ({@code --directory}), so relative paths in the Snakefile work as on a
 * laptop; {@code workflow_params} is the {@code --configfile}. The run's targets are the
 * request's {@code targets} engine parameter (space-separated), else the Snakefile's default
 * target. Executor ({@code ergon.adapter.snakemake.executor}): {@code local} (jobs run inside the
 * engine task), {@code tes} (Snakemake's TES executor, {@code --tes <tes-url>}: each job becomes a
 * TES task of Ergon's) or {@code kubernetes} ({@code --kubernetes <namespace>}). After a
 * successful run every file the run created in the working folder (Snakemake's own {@code
 * .snakemake} folder aside) is copied to {@code /ergon/results/outputs}; {@link #outputs} returns
 * them by relative path. Thread-safe (immutable).
 */
public final class SnakemakeAdapter implements LanguageAdapter {
    static final Set<String> EXECUTORS = Set.of("local", "tes", "kubernetes");
    static final Set<String> PARAMETERS = Set.of("targets", "cores", "extra-args");

    private final SnakemakeAdapterConfig config;

    public SnakemakeAdapter(SnakemakeAdapterConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String workflowType() {
        return "SMK";
    }

    @Override
    public List<String> workflowTypeVersions() {
        return List.of("7", "1.0");
    }

    @Override
    public TaskSpec prepare(RunRequest run) {
        EngineTask task = new EngineTask(run);
        String located = task.workflowPath();
        task.params();
        Map<String, String> p = task.engineParameters(PARAMETERS);
        String w = EngineTask.WORK_DIR;
        // An attached Snakefile runs from its copy in the working folder, beside the other attachments.
        String snakefile = located.startsWith(EngineTask.WORKFLOW_DIR + "/")
                ? w + located.substring(EngineTask.WORKFLOW_DIR.length())
                : located;
        String cores = p.getOrDefault("cores", Integer.toString(config.cores()));
        if (!cores.matches("[1-9][0-9]{0,4}|all")) {
            throw ErgonException.invalid(
                    "workflow_engine_parameters.cores", "'" + cores + "' is not a number of cores");
        }
        List<String> cmd = new ArrayList<>(List.of(
                "snakemake",
                "--snakefile",
                snakefile,
                "--directory",
                w,
                "--cores",
                cores,
                "--configfile",
                EngineTask.PARAMS_FILE,
                "--nolock",
                "--printshellcmds"));
        switch (config.executor()) {
            case "tes" -> cmd.addAll(List.of("--tes", config.tesUrl(), "--envvars", "ERGON_RUN_ID"));
            case "kubernetes" -> cmd.addAll(List.of("--kubernetes", config.namespace()));
            default -> {}
        }
        cmd.addAll(Shell.words(config.extraArgs()));
        cmd.addAll(Shell.words(p.get("extra-args")));
        for (String t : Shell.words(p.get("targets"))) {
            if (t.startsWith("-")) {
                throw ErgonException.invalid("workflow_engine_parameters.targets", "'" + t + "' is not a target");
            }
            cmd.add(t);
        }
        task.env("ERGON_RUN_ID", run.runId());
        String r = EngineTask.RESULTS_DIR + "/outputs";
        String script = "cp -R " + EngineTask.WORKFLOW_DIR + "/. " + w + "/\n"
                + "touch " + w + "/.ergon-start\n"
                + Shell.join(cmd) + "\nrc=$?\n"
                + "if [ $rc -eq 0 ]; then\n"
                + "  find . -type f -newer .ergon-start ! -path './.snakemake/*' ! -name .ergon-start | while IFS= read -r f; do\n"
                + "    mkdir -p \"" + r + "/$(dirname \"$f\")\" && cp \"$f\" \"" + r + "/$f\"\n"
                + "  done\nfi\nexit $rc\n";
        return task.build("snakemake " + run.runId(), config.image(), script);
    }

    @Override
    public Map<String, Object> outputs(RunRequest run, Path results) {
        return new LinkedHashMap<>(EngineTask.files(results.resolve("outputs")));
    }
}
