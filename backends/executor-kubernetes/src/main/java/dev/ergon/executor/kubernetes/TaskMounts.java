package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.TaskSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where the task's one shared volume {@code work} is mounted in the executor containers. Container
 * path {@code /a/b} is {@code a/b} inside the volume, so every executor sees one file system, as on
 * the local executor (whose workspace folder plays the volume's part). Mounted, each with a
 * {@code subPath} of the volume: the folder of every FILE input and output, every DIRECTORY input
 * and output, the folder before the first wildcard of a wildcard output, every volume, every
 * executor's workdir and the folder of every stdin/stdout/stderr redirection; a folder nested in
 * another mounted folder is visible through it and is not mounted again. A FILE input directly in
 * {@code /} is mounted as a single file (stage-in creates it before any executor starts). Stateless.
 */
final class TaskMounts {
    private TaskMounts() {}

    /** Paths that must never be mounted over: the container runtime owns them. */
    private static final List<String> RESERVED = List.of("/proc", "/sys", "/dev");

    /**
     * One mount of the volume.
     *
     * @param path the container path, normalised (e.g. {@code /data})
     * @param file whether a single file is mounted rather than a folder
     */
    record Mount(String path, boolean file) {
        Mount {
            requireNonNull(path, "path is null");
        }

        /** The volume's subPath: the container path without its leading slash. */
        String subPath() {
            return path.substring(1);
        }
    }

    /**
     * @param mounts the executor containers' mounts, nested ones dropped, sorted by path
     * @param folders every folder stage-in must create in the volume before the executors start,
     *     nested ones included (a workdir inside a volume must exist too), sorted
     */
    record Plan(List<Mount> mounts, List<String> folders) {
        Plan {
            mounts = List.copyOf(mounts);
            folders = List.copyOf(folders);
        }
    }

    /**
     * The mounts of {@code spec}. Pure.
     *
     * @throws ErgonException INVALID_INPUT naming the field of a path that cannot be mounted
     */
    static Plan plan(TaskSpec spec) {
        List<Mount> all = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            String field = "inputs[" + i + "].path";
            String path = normalize(field, in.path());
            if (in.type() == FileType.DIRECTORY) {
                all.add(folder(field, path));
            } else if (parent(path).equals("/")) {
                reserved(field, path);
                all.add(new Mount(path, true));
            } else {
                all.add(folder(field, parent(path)));
            }
        }
        for (int i = 0; i < spec.outputs().size(); i++) {
            OutputSpec out = spec.outputs().get(i);
            String field = "outputs[" + i + "].path";
            String path = normalize(field, out.path());
            String folder;
            if (out.isWildcard()) {
                int first = firstWildcard(path);
                int slash = path.lastIndexOf('/', first);
                folder = slash <= 0 ? "/" : path.substring(0, slash);
            } else {
                folder = out.type() == FileType.DIRECTORY ? path : parent(path);
            }
            if (folder.equals("/")) {
                throw ErgonException.invalid(
                        field,
                        "'" + out.path() + "' is not inside a folder below '/'; the"
                                + " Kubernetes executor mounts each output's folder from the task's volume, so use e.g."
                                + " /outputs/...");
            }
            all.add(folder(field, folder));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            String field = "volumes[" + i + "]";
            all.add(folder(field, normalize(field, spec.volumes().get(i))));
        }
        for (int i = 0; i < spec.executors().size(); i++) {
            ExecutorSpec e = spec.executors().get(i);
            String field = "executors[" + i + "].";
            if (e.workdir().isPresent()) {
                String wd = normalize(field + "workdir", e.workdir().get());
                if (!wd.equals("/")) {
                    all.add(folder(field + "workdir", wd));
                }
            }
            redirect(all, field + "stdin", e.stdin());
            redirect(all, field + "stdout", e.stdout());
            redirect(all, field + "stderr", e.stderr());
        }
        TreeSet<String> folders = new TreeSet<>();
        for (Mount m : all) {
            if (!m.file()) {
                folders.add(m.path());
            }
        }
        return new Plan(withoutNested(all), List.copyOf(folders));
    }

    private static void redirect(List<Mount> all, String field, Optional<String> target) {
        if (target.isEmpty()) {
            return;
        }
        String path = normalize(field, target.get());
        if (path.equals("/")) {
            throw ErgonException.invalid(field, "'" + target.get() + "' is a folder, not a file");
        }
        String parent = parent(path);
        if (!parent.equals("/")) {
            all.add(folder(field, parent));
        }
    }

    /**
     * {@code path} with {@code .} and {@code ..} resolved and duplicate slashes dropped, e.g.
     * {@code /a/b}.
     *
     * @throws ErgonException INVALID_INPUT naming {@code field} when it is not absolute or leads
     *     above {@code /}
     */
    static String normalize(String field, String path) {
        if (path == null || !path.startsWith("/")) {
            throw ErgonException.invalid(field, "'" + path + "' must be an absolute container path");
        }
        if (path.indexOf('\0') >= 0) {
            throw ErgonException.invalid(field, "must not contain a NUL character");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    throw ErgonException.invalid(field, "'" + path + "' leads above '/'");
                }
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static Mount folder(String field, String path) {
        if (path.equals("/")) {
            throw ErgonException.invalid(field, "'/' cannot be mounted: it is the container's root");
        }
        reserved(field, path);
        return new Mount(path, false);
    }

    private static void reserved(String field, String path) {
        for (String r : RESERVED) {
            if (path.equals(r) || path.startsWith(r + "/")) {
                throw ErgonException.invalid(
                        field,
                        "'" + path + "' is inside '" + r
                                + "', which the container runtime provides; use another folder");
            }
        }
    }

    private static String parent(String normalized) {
        int slash = normalized.lastIndexOf('/');
        return slash <= 0 ? "/" : normalized.substring(0, slash);
    }

    private static int firstWildcard(String path) {
        int star = path.indexOf('*');
        int question = path.indexOf('?');
        return star < 0 ? question : question < 0 ? star : Math.min(star, question);
    }

    /** Sorted by path, so a folder comes before anything nested in it. */
    private static List<Mount> withoutNested(List<Mount> all) {
        List<Mount> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Mount::path));
        List<Mount> kept = new ArrayList<>();
        for (Mount m : sorted) {
            boolean nested = kept.stream()
                    .anyMatch(k ->
                            m.path().equals(k.path()) || (!k.file() && m.path().startsWith(k.path() + "/")));
            if (!nested) {
                kept.add(m);
            }
        }
        return List.copyOf(kept);
    }
}
