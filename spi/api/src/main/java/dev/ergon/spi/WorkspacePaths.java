package dev.ergon.spi;

import java.nio.file.Path;

/**
 * Maps container paths onto a per-task host folder: container path {@code /a/b} is
 * {@code workspace/a/b}. Rejects paths that would escape the folder.
 */
public final class WorkspacePaths {
    private WorkspacePaths() {}

    /**
     * @throws ErgonException INVALID_INPUT when {@code containerPath} is not absolute or escapes
     *     the workspace (e.g. through {@code ..})
     */
    public static Path resolve(Path workspace, String containerPath) {
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw ErgonException.invalid("path", "'" + containerPath + "' must be an absolute container path");
        }
        Path root = workspace.toAbsolutePath().normalize();
        Path p = root.resolve(containerPath.substring(1)).normalize();
        if (!p.startsWith(root)) {
            throw ErgonException.invalid("path", "'" + containerPath + "' escapes the task's file system");
        }
        return p;
    }
}
