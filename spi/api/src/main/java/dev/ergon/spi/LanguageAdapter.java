package dev.ergon.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns a WES run of one workflow language into the engine task that runs it, and reads the
 * engine's results back. Thread-safe.
 */
@Incubating
public interface LanguageAdapter {
    /** The WES {@code workflow_type} served, e.g. {@code CWL}; matched case-insensitively. */
    String workflowType();

    /** The {@code workflow_type_version}s accepted. */
    List<String> workflowTypeVersions();

    /**
     * The engine task for {@code run}. Its tags include {@code ergon.run-id}, so child tasks the
     * engine sends back to Ergon's TES can be tied to the run.
     *
     * @throws ErgonException INVALID_INPUT naming the run field that is wrong
     */
    TaskSpec prepare(RunRequest run);

    /** The run's normalised outputs, read from the engine task's results folder. */
    Map<String, Object> outputs(RunRequest run, Path results);
}
