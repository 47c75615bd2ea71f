package dev.ergon.adapters;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CWL with cwltool (default) or Toil ({@code toil-cwl-runner}). The engine writes the CWL output
 * object to {@code /ergon/results/cwl-output.json} and the output files to {@code
 * /ergon/results/outputs}; {@link #outputs} returns the output object with every file location
 * rewritten to where the file was staged out. Containers inside the workflow are not used
 * ({@code --no-container}): the engine task itself is the container. Thread-safe (immutable).
 */
public final class CwlAdapter implements LanguageAdapter {
    static final Set<String> ENGINES = Set.of("cwltool", "toil");
    static final Set<String> PARAMETERS = Set.of("extra-args");

    private final CwlAdapterConfig config;

    public CwlAdapter(CwlAdapterConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String workflowType() {
        return "CWL";
    }

    @Override
    public List<String> workflowTypeVersions() {
        return List.of("v1.0", "v1.1", "v1.2");
    }

    @Override
    public TaskSpec prepare(RunRequest run) {
        EngineTask task = new EngineTask(run);
        String workflow = task.workflowPath();
        task.params();
        String engine = EngineTask.engine(run, config.engine(), ENGINES);
        Map<String, String> p = task.engineParameters(PARAMETERS);
        List<String> cmd = new ArrayList<>();
        if (engine.equals("toil")) {
            cmd.addAll(List.of(
                    "toil-cwl-runner",
                    "--jobStore",
                    EngineTask.WORK_DIR + "/jobstore",
                    "--workDir",
                    EngineTask.WORK_DIR + "/tmp",
                    "--outdir",
                    EngineTask.RESULTS_DIR + "/outputs",
                    "--no-container"));
        } else {
            cmd.addAll(List.of(
                    "cwltool",
                    "--no-container",
                    "--outdir",
                    EngineTask.RESULTS_DIR + "/outputs",
                    "--tmpdir-prefix",
                    EngineTask.WORK_DIR + "/tmp/",
                    "--tmp-outdir-prefix",
                    EngineTask.WORK_DIR + "/tmp/"));
        }
        cmd.addAll(Shell.words(config.extraArgs()));
        cmd.addAll(Shell.words(p.get("extra-args")));
        cmd.add(workflow);
        cmd.add(EngineTask.PARAMS_FILE);
        String script = "mkdir -p " + EngineTask.WORK_DIR + "/tmp " + EngineTask.RESULTS_DIR + "/outputs\n"
                + Shell.join(cmd) + " > " + EngineTask.RESULTS_DIR + "/cwl-output.json\n"
                + "rc=$?\ncat " + EngineTask.RESULTS_DIR + "/cwl-output.json\nexit $rc\n";
        return task.build(
                "cwl " + engine + " " + run.runId(),
                engine.equals("toil") ? config.toilImage() : config.image(),
                script);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> outputs(RunRequest run, Path results) {
        return (Map<String, Object>)
                EngineTask.relocate(EngineTask.readObject(results.resolve("cwl-output.json")), results);
    }
}
