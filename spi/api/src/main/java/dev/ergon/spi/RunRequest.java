package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * A WES run as a {@link LanguageAdapter} sees it.
 *
 * @param runId Ergon's run id
 * @param workflowType e.g. {@code CWL}
 * @param workflowTypeVersion e.g. {@code v1.2}
 * @param workflowUrl the workflow's location: relative to {@code attachments}, or a URL
 * @param workflowParams the {@code workflow_params} JSON text
 * @param engineParameters {@code workflow_engine_parameters}
 * @param tags the run's tags
 * @param attachments the folder holding the uploaded attachments
 */
@Incubating
public record RunRequest(
        String runId,
        String workflowType,
        String workflowTypeVersion,
        String workflowUrl,
        String workflowParams,
        Map<String, String> engineParameters,
        Map<String, String> tags,
        Path attachments) {
    public RunRequest {
        requireNonNull(runId, "runId is null");
        requireNonNull(workflowType, "workflowType is null");
        requireNonNull(workflowTypeVersion, "workflowTypeVersion is null");
        requireNonNull(workflowUrl, "workflowUrl is null");
        requireNonNull(workflowParams, "workflowParams is null");
        engineParameters = Map.copyOf(requireNonNull(engineParameters, "engineParameters is null"));
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(attachments, "attachments is null");
    }
}
