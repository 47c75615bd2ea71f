package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link ExecutorBackend} runs: a validated TES task.
 *
 * @param taskId Ergon's task id; {@link ExecutorBackend#submit} is idempotent by it
 * @param name the task's name, if any
 * @param executors the executors, at least one, run strictly in order
 * @param inputs inputs to stage in before the first executor
 * @param outputs outputs to stage out after the last executor
 * @param volumes container paths of shared scratch volumes
 * @param resources requested resources
 * @param tags the task's tags
 * @param workspace for a backend with {@link ExecutorCapability#SHARED_FILESYSTEM}: the per-task
 *     folder on Ergon's host in which Ergon has staged the inputs. A container path {@code /a/b}
 *     maps to {@code workspace.resolve("a/b")}. Empty for backends that stage by themselves.
 */
public record TaskSpec(
        String taskId,
        Optional<String> name,
        List<ExecutorSpec> executors,
        List<InputSpec> inputs,
        List<OutputSpec> outputs,
        List<String> volumes,
        ResourceSpec resources,
        Map<String, String> tags,
        Optional<Path> workspace) {
    public TaskSpec {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(name, "name is null");
        executors = List.copyOf(requireNonNull(executors, "executors is null"));
        if (executors.isEmpty()) {
            throw ErgonException.invalid("executors", "must contain at least one executor");
        }
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        volumes = List.copyOf(requireNonNull(volumes, "volumes is null"));
        requireNonNull(resources, "resources is null");
        tags = Map.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(workspace, "workspace is null");
    }

    /** The host path of container path {@code containerPath} inside {@link #workspace()}. */
    public Path hostPath(String containerPath) {
        Path ws = workspace.orElseThrow(() -> new IllegalStateException("task " + taskId + " has no workspace"));
        return WorkspacePaths.resolve(ws, containerPath);
    }

    /** A copy of this spec with {@code workspace} set. */
    public TaskSpec withWorkspace(Path workspace) {
        return new TaskSpec(taskId, name, executors, inputs, outputs, volumes, resources, tags, Optional.of(workspace));
    }
}
