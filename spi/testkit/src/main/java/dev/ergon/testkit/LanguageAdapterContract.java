package dev.ergon.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link LanguageAdapter} must do. Subclasses give the adapter, write a small valid
 * workflow of their language into the run's attachments folder, and write what their engine
 * leaves in the results folder after a successful run, so that {@link LanguageAdapter#outputs}
 * can be checked without running the engine (engine runs are the adapters' own {@code *IT}s).
 *
 * <p>The rules checked here are the ones WES relies on:
 *
 * <ul>
 *   <li>{@code workflowType()} is non-blank and {@code workflowTypeVersions()} non-empty;
 *   <li>{@code prepare} returns a task tagged {@code ergon.run-id} = the run id, with at least one
 *       executor, absolute container paths without {@code ..}, and URLs that are either absolute
 *       ({@code scheme://…}) or relative to the run's storage folder (the folder that holds {@code
 *       attachments/}; WES resolves them), never escaping it;
 *   <li>bad input fails with {@link ErrorKind#INVALID_INPUT} naming the WES field: a missing or
 *       escaping relative {@code workflow_url} names {@code workflow_url}, malformed {@code
 *       workflow_params} names {@code workflow_params};
 *   <li>{@code outputs} of an empty results folder is an empty map, not an error.
 * </ul>
 */
public abstract class LanguageAdapterContract {
    /** The run's storage folder: {@code attachments/} and {@code results/} live in it. */
    @TempDir
    protected Path runDir;

    /** The adapter under test; may be the same instance for every test. */
    protected abstract LanguageAdapter adapter();

    /** Writes a small valid workflow into {@code attachments}; returns its relative {@code workflow_url}. */
    protected abstract String writeWorkflow(Path attachments) throws IOException;

    /** Valid {@code workflow_params} for {@link #writeWorkflow}'s workflow. */
    protected String workflowParams() {
        return "{}";
    }

    /** The {@code workflow_type_version} to use; the first declared one by default. */
    protected String workflowTypeVersion() {
        return adapter().workflowTypeVersions().get(0);
    }

    /**
     * Writes into {@code results} what the engine leaves there after a successful run of {@link
     * #writeWorkflow}'s workflow, and returns the outputs {@link LanguageAdapter#outputs} must then
     * report (compared with {@code equals}; return null to skip the comparison and only check that
     * the outputs are not empty).
     */
    protected abstract Map<String, Object> writeResults(Path results) throws IOException;

    /** A request for this language with the given workflow URL and parameters. */
    protected final RunRequest run(String workflowUrl, String params) {
        return new RunRequest(
                UUID.randomUUID().toString(),
                adapter().workflowType(),
                workflowTypeVersion(),
                workflowUrl,
                params,
                new HashMap<>(),
                Map.of("suite", "contract"),
                runDir.resolve("attachments"));
    }

    private RunRequest validRun() throws IOException {
        Path attachments = Files.createDirectories(runDir.resolve("attachments"));
        return run(writeWorkflow(attachments), workflowParams());
    }

    @Test
    public void declaresItsWorkflowTypeAndVersions() {
        assertFalse(adapter().workflowType().isBlank(), "workflowType() is blank");
        assertFalse(adapter().workflowTypeVersions().isEmpty(), "workflowTypeVersions() is empty");
        adapter().workflowTypeVersions().forEach(v -> assertFalse(v.isBlank(), "a blank workflow type version"));
    }

    @Test
    public void preparesAnEngineTaskTaggedWithTheRunId() throws IOException {
        RunRequest run = validRun();
        TaskSpec spec = adapter().prepare(run);
        assertNotNull(spec, "prepare returned null");
        assertEquals(
                run.runId(),
                spec.tags().get("ergon.run-id"),
                "the engine task is not tagged ergon.run-id: " + spec.tags());
        assertFalse(spec.executors().isEmpty(), "no executors");
        spec.executors().forEach(e -> {
            assertFalse(e.command().isEmpty(), "an executor without a command");
            assertFalse(e.image().isBlank(), "an executor without an image");
        });
        for (InputSpec in : spec.inputs()) {
            checkPath(in.path(), "input");
            in.url().ifPresent(this::checkUrl);
        }
        for (OutputSpec out : spec.outputs()) {
            checkPath(out.path(), "output");
            checkUrl(out.url());
        }
        spec.volumes().forEach(v -> checkPath(v, "volume"));
    }

    @Test
    public void rejectsAMissingWorkflowFileNamingWorkflowUrl() throws IOException {
        validRun();
        assertInvalid("workflow_url", run("no-such-workflow-" + UUID.randomUUID(), workflowParams()));
    }

    @Test
    public void rejectsAWorkflowUrlThatEscapesTheAttachments() throws IOException {
        validRun();
        Files.writeString(runDir.resolve("outside.txt"), "x");
        assertInvalid("workflow_url", run("../outside.txt", workflowParams()));
    }

    @Test
    public void rejectsMalformedWorkflowParamsNamingTheField() throws IOException {
        RunRequest valid = validRun();
        assertInvalid("workflow_params", run(valid.workflowUrl(), "{\"unclosed\": "));
    }

    @Test
    public void outputsOfAnEmptyResultsFolderAreEmpty() throws IOException {
        RunRequest run = validRun();
        Path results = Files.createDirectories(runDir.resolve("results"));
        Map<String, Object> outputs = adapter().outputs(run, results);
        assertNotNull(outputs, "outputs returned null");
        assertTrue(outputs.isEmpty(), "outputs of an empty results folder: " + outputs);
    }

    @Test
    public void normalisesTheEnginesResults() throws IOException {
        RunRequest run = validRun();
        Path results = Files.createDirectories(runDir.resolve("results"));
        Map<String, Object> expected = writeResults(results);
        Map<String, Object> outputs = adapter().outputs(run, results);
        assertNotNull(outputs, "outputs returned null");
        if (expected == null) {
            assertFalse(outputs.isEmpty(), "no outputs reported for the engine's results");
        } else {
            assertEquals(expected, outputs);
        }
    }

    private void assertInvalid(String field, RunRequest run) {
        ErgonException e = assertThrows(ErgonException.class, () -> adapter().prepare(run), "prepare accepted " + run);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), () -> "kind of " + e);
        assertEquals(field, e.field().orElse(null), () -> "field of: " + e.getMessage());
    }

    private void checkPath(String path, String what) {
        assertTrue(path.startsWith("/"), what + " path '" + path + "' is not absolute");
        assertFalse(("/" + path + "/").contains("/../"), what + " path '" + path + "' contains ..");
    }

    private void checkUrl(String url) {
        if (url.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            return;
        }
        assertFalse(url.startsWith("/"), "relative URL '" + url + "' must not start with /");
        assertFalse(("/" + url + "/").contains("/../"), "relative URL '" + url + "' escapes the run's folder");
    }
}
