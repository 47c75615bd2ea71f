package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which workspace folders a task's sandbox binds read-write, and where. Container path {@code /a/b}
 * lives at host path {@code workspace/a/b}, so a folder nested in another bound folder is already
 * visible through it and is not bound again. Bound: the parent folder of every FILE input and
 * output, every DIRECTORY input and output, the folder before the first wildcard of a wildcard
 * output, every volume and every executor's workdir. Stateless.
 */
final class SandboxMounts {
    private SandboxMounts() {}

    /**
     * One read-write bind.
     *
     * @param container the container path
     * @param host the host path in the workspace
     * @param file whether a single file is bound (an input placed directly in {@code /}), which
     *     must exist, instead of a folder, which is created
     */
    record Bind(String container, Path host, boolean file) {
        Bind {
            requireNonNull(container, "container is null");
            requireNonNull(host, "host is null");
        }
    }

    /**
     * The binds of {@code spec}, nested folders dropped, sorted by container path. Pure: touches no
     * file.
     *
     * @param readOnlyRoots container folders taken read-only from the host; nothing may be bound
     *     strictly inside them (bwrap could not create the mount point there)
     * @throws ErgonException INVALID_INPUT naming the field of a path the sandbox cannot bind
     */
    static List<Bind> plan(TaskSpec spec, List<String> readOnlyRoots) {
        return withoutNested(all(spec, readOnlyRoots));
    }

    /** Every bind, nested ones included. */
    private static List<Bind> all(TaskSpec spec, List<String> readOnlyRoots) {
        if (spec.workspace().isEmpty()) {
            throw ErgonException.invalid(
                    "workspace", "the local executor runs on Ergon's host and needs the task's workspace folder");
        }
        List<Bind> all = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            String field = "inputs[" + i + "].path";
            if (in.type() == FileType.DIRECTORY) {
                all.add(folder(spec, field, in.path(), readOnlyRoots));
            } else {
                String parent = parentOf(spec, field, in.path());
                all.add(
                        parent.equals("/")
                                ? new Bind(normalized(spec, field, in.path()), host(spec, field, in.path()), true)
                                : folder(spec, field, parent, readOnlyRoots));
            }
        }
        for (int i = 0; i < spec.outputs().size(); i++) {
            OutputSpec out = spec.outputs().get(i);
            String field = "outputs[" + i + "].path";
            host(spec, field, out.path());
            String folder;
            if (out.isWildcard()) {
                folder = out.path().substring(0, out.path().lastIndexOf('/', firstWildcard(out.path())));
            } else {
                folder = out.type() == FileType.DIRECTORY ? out.path() : parentOf(spec, field, out.path());
            }
            if (folder.isEmpty() || normalized(spec, field, folder).equals("/")) {
                throw ErgonException.invalid(
                        field,
                        "'" + out.path() + "' is not inside a folder below '/'; the local executor binds each"
                                + " output's folder from the workspace, so use e.g. /outputs/...");
            }
            all.add(folder(spec, field, folder, readOnlyRoots));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            all.add(folder(spec, "volumes[" + i + "]", spec.volumes().get(i), readOnlyRoots));
        }
        for (int i = 0; i < spec.executors().size(); i++) {
            ExecutorSpec e = spec.executors().get(i);
            String field = "executors[" + i + "].";
            if (e.workdir().isPresent()
                    && !normalized(spec, field + "workdir", e.workdir().get()).equals("/")) {
                all.add(folder(spec, field + "workdir", e.workdir().get(), readOnlyRoots));
            }
            // Redirections are opened by Ergon on the host, not bound, but must stay in the workspace.
            e.stdin().ifPresent(p -> host(spec, field + "stdin", p));
            e.stdout().ifPresent(p -> host(spec, field + "stdout", p));
            e.stderr().ifPresent(p -> host(spec, field + "stderr", p));
        }
        return all;
    }

    /**
     * Creates every folder of the plan, nested ones included (a workdir or an output folder inside
     * a volume must exist too), and checks that each stays inside the workspace once symlinks are
     * resolved, before and after creating it, so staged content cannot point a read-write bind, or
     * a folder Ergon creates, at another host folder.
     *
     * @return an error line for the task's system logs, or empty when all is ready
     */
    static Optional<String> prepare(TaskSpec spec, List<String> readOnlyRoots) {
        Path workspace = spec.workspace().orElseThrow();
        try {
            Files.createDirectories(workspace);
            Path realWorkspace = workspace.toRealPath();
            for (Bind b : all(spec, readOnlyRoots)) {
                if (!inside(b.host(), realWorkspace)) {
                    return Optional.of(b.container() + " resolves outside the task's workspace (" + b.host()
                            + "); refusing to bind it");
                }
                if (b.file()) {
                    if (!Files.isRegularFile(b.host())) {
                        return Optional.of(
                                "input " + b.container() + " is missing from the task's workspace (" + b.host() + ")");
                    }
                } else {
                    Files.createDirectories(b.host());
                    if (!inside(b.host(), realWorkspace)) {
                        return Optional.of(b.container() + " resolves outside the task's workspace (" + b.host()
                                + "); refusing to bind it");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("could not prepare the task's folders in " + workspace + ": " + e);
        }
    }

    /**
     * The host file for a stdin/stdout/stderr redirection, its parent folder created. Ergon opens
     * it on the host, outside the sandbox, so it must not lead out of the workspace: the folder
     * must resolve inside it and the file must not be a symbolic link (an earlier executor could
     * have made one pointing at a host file). No executor of the task runs while this is checked
     * and opened, so the check cannot be raced by the task itself.
     *
     * @throws IOException with a message for the task's system logs
     */
    static Path redirectTarget(TaskSpec spec, String field, String containerPath) throws IOException {
        Path host = spec.hostPath(containerPath);
        Path realWorkspace = spec.workspace().orElseThrow().toRealPath();
        Path parent = host.getParent();
        if (!inside(parent, realWorkspace)) {
            throw new IOException(field + ": " + containerPath + " resolves outside the task's workspace");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException(field + ": could not create the folder of " + containerPath + ": " + e, e);
        }
        if (!inside(parent, realWorkspace)) {
            throw new IOException(field + ": " + containerPath + " resolves outside the task's workspace");
        }
        if (Files.isSymbolicLink(host)) {
            throw new IOException(field + ": " + containerPath + " is a symbolic link; the local executor does not"
                    + " follow links when it opens redirections on the host");
        }
        return host;
    }

    /** Whether {@code p}, or its nearest existing ancestor, is inside {@code realRoot} with symlinks resolved. */
    private static boolean inside(Path p, Path realRoot) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.toRealPath().startsWith(realRoot);
    }

    private static Bind folder(TaskSpec spec, String field, String containerPath, List<String> readOnlyRoots) {
        String path = normalized(spec, field, containerPath);
        if (path.equals("/")) {
            throw ErgonException.invalid(field, "'" + containerPath + "' cannot be bound: it is the sandbox's root");
        }
        for (String root : readOnlyRoots) {
            boolean reserved = root.equals("/proc") || root.equals("/dev");
            if (path.startsWith(root + "/") || (reserved && path.equals(root))) {
                throw ErgonException.invalid(
                        field,
                        "'" + containerPath + "' is inside '" + root + "', which the local executor takes read-only"
                                + " from the host (ergon.executor.local.ro-binds); use another folder");
            }
        }
        return new Bind(path, host(spec, field, path), false);
    }

    private static String parentOf(TaskSpec spec, String field, String containerPath) {
        String path = normalized(spec, field, containerPath);
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The container path with {@code .} and {@code ..} resolved, e.g. {@code /a/b}. */
    private static String normalized(TaskSpec spec, String field, String containerPath) {
        Path host = host(spec, field, containerPath);
        Path relative =
                spec.workspace().orElseThrow().toAbsolutePath().normalize().relativize(host);
        String r = relative.toString();
        return r.isEmpty() ? "/" : "/" + r;
    }

    /** The host path, rethrowing WorkspacePaths' error with the real field name. */
    private static Path host(TaskSpec spec, String field, String containerPath) {
        try {
            return spec.hostPath(containerPath);
        } catch (ErgonException e) {
            String reason = e.getMessage().startsWith("path: ") ? e.getMessage().substring(6) : e.getMessage();
            throw ErgonException.invalid(field, reason);
        }
    }

    private static int firstWildcard(String path) {
        int star = path.indexOf('*');
        int question = path.indexOf('?');
        return star < 0 ? question : question < 0 ? star : Math.min(star, question);
    }

    /** Sorted by container path, so a folder comes before anything nested in it. */
    private static List<Bind> withoutNested(List<Bind> all) {
        List<Bind> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Bind::container));
        List<Bind> kept = new ArrayList<>();
        for (Bind b : sorted) {
            boolean nested = kept.stream()
                    .anyMatch(k ->
                            b.container().equals(k.container()) || b.container().startsWith(k.container() + "/"));
            if (!nested) {
                kept.add(b);
            }
        }
        return List.copyOf(kept);
    }
}
