package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The bubblewrap program and the command lines that run an executor in it. Probed once when the
 * backend is created: {@code bwrap --version}, then a throw-away sandbox running {@code true}, so
 * a bwrap that is missing or cannot create namespaces on this host is reported at start-up
 * instead of as a puzzling failure of the first task. Immutable and thread-safe.
 *
 * <p>The sandbox: bwrap's fresh tmpfs root; the {@code ro-binds} read-only at their own paths;
 * {@code /bin}, {@code /sbin}, {@code /lib*} as the host has them (symlinks into {@code /usr} on a
 * merged-/usr host, read-only binds otherwise); a new {@code /proc} for its own PID namespace, a
 * minimal {@code /dev} and a private {@code /tmp}; then the task's folders bound read-write from
 * its workspace (see {@link SandboxMounts}). The host network is kept.
 */
final class Bubblewrap {
    /** What to do when bwrap is missing. */
    static final String INSTALL_HINT =
            "install it with 'apt-get install bubblewrap' (Debian/Ubuntu) or set ergon.executor.local.bwrap";

    /** The PATH executors see: the usual Debian/Ubuntu one, as in most container images. */
    static final String SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Top-level folders that are symlinks into /usr on merged-/usr hosts. */
    private static final List<String> SYSTEM_LINK_DIRS =
            List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final Optional<Path> program;
    private final Optional<String> version;
    private final Optional<String> unavailableReason;
    private final List<String> baseArgs;
    private final List<String> readOnlyRoots;

    private Bubblewrap(
            Optional<Path> program,
            Optional<String> version,
            Optional<String> unavailableReason,
            List<String> baseArgs,
            List<String> readOnlyRoots) {
        this.program = program;
        this.version = version;
        this.unavailableReason = unavailableReason;
        this.baseArgs = List.copyOf(baseArgs);
        this.readOnlyRoots = List.copyOf(readOnlyRoots);
    }

    /**
     * Finds and checks bwrap. Never throws for a missing or broken bwrap: the result then has an
     * {@link #unavailableReason()}.
     *
     * @param configured the {@code bwrap} setting: a path, or a program name to find on PATH;
     *     empty for {@code bwrap} on PATH
     * @param roBinds host folders to bind read-only; missing ones are skipped
     */
    static Bubblewrap probe(Optional<String> configured, List<String> roBinds) {
        List<String> roots = new ArrayList<>();
        List<String> base = baseArgs(roBinds, roots);
        Optional<Path> program = locate(configured.orElse("bwrap"));
        if (program.isEmpty()) {
            String where = configured.map(c -> " at " + c).orElse(" on PATH");
            return unavailable("bubblewrap (bwrap) not found" + where + ": " + INSTALL_HINT, base, roots);
        }
        Path bwrap = program.get();
        ProbeResult v = run(List.of(bwrap.toString(), "--version"));
        if (v.exitCode != 0) {
            return unavailable(
                    "bubblewrap (bwrap) at " + bwrap + " is not runnable (" + v.describe() + "): " + INSTALL_HINT,
                    base,
                    roots);
        }
        String version = v.output.isBlank()
                ? "bubblewrap"
                : v.output.strip().lines().findFirst().orElse("bubblewrap");
        List<String> smoke = new ArrayList<>();
        smoke.add(bwrap.toString());
        smoke.addAll(base);
        smoke.addAll(List.of("--", "true"));
        ProbeResult s = run(smoke);
        if (s.exitCode != 0) {
            return new Bubblewrap(
                    program,
                    Optional.of(version),
                    Optional.of("bubblewrap (bwrap) at " + bwrap + " cannot create a sandbox on this host ("
                            + s.describe() + "); it needs unprivileged user namespaces, a setuid bwrap or root"),
                    base,
                    roots);
        }
        return new Bubblewrap(program, Optional.of(version), Optional.empty(), base, roots);
    }

    private static Bubblewrap unavailable(String reason, List<String> base, List<String> roots) {
        return new Bubblewrap(Optional.empty(), Optional.empty(), Optional.of(reason), base, roots);
    }

    /** Why no executor can run here, if so. */
    Optional<String> unavailableReason() {
        return unavailableReason;
    }

    /** e.g. {@code bubblewrap 0.8.0}, when bwrap was found. */
    Optional<String> version() {
        return version;
    }

    /**
     * Container folders the sandbox takes read-only from the host (the existing {@code ro-binds}
     * and the system folders); task folders cannot be bound strictly inside them.
     */
    List<String> readOnlyRoots() {
        return readOnlyRoots;
    }

    /**
     * The command line running {@code command} in a sandbox with {@code binds} mounted read-write,
     * in {@code workdir}.
     *
     * @throws IllegalStateException when bwrap is unavailable
     */
    List<String> command(List<SandboxMounts.Bind> binds, String workdir, List<String> command) {
        Path bwrap = program.orElseThrow(() -> new IllegalStateException(unavailableReason.orElse("no bwrap")));
        List<String> args = new ArrayList<>(baseArgs.size() + 3 * binds.size() + command.size() + 4);
        args.add(bwrap.toString());
        args.addAll(baseArgs);
        for (SandboxMounts.Bind b : binds) {
            args.add("--bind");
            args.add(b.host().toString());
            args.add(b.container());
        }
        args.add("--chdir");
        args.add(workdir);
        // "--" so that a command starting with "--" is never read as a bwrap option.
        args.add("--");
        args.addAll(command);
        return args;
    }

    /**
     * The environment the executor sees. It is set on the bwrap process (bwrap passes its own
     * environment on) rather than with {@code --clearenv --setenv}, so values, which may be
     * secrets, never appear on a command line that other host users can read in /proc.
     */
    static void environment(Map<String, String> target, Map<String, String> executorEnv) {
        target.clear();
        target.put("PATH", SANDBOX_PATH);
        target.put("HOME", "/tmp");
        target.putAll(executorEnv);
    }

    /** The arguments every sandbox shares; fills {@code readOnlyRoots} with the folders taken from the host. */
    static List<String> baseArgs(List<String> roBinds, List<String> readOnlyRoots) {
        List<String> args = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--unshare-pid"));
        // The private /tmp first: bwrap mounts in order, so a read-only host folder below /tmp
        // (e.g. a checkout in /tmp holding the engine's jars) is bound on top of the tmpfs
        // instead of being hidden under it.
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        Set<String> bound = new LinkedHashSet<>();
        for (String p : roBinds) {
            String path = normalize(p);
            if (path != null && Files.exists(Path.of(path)) && bound.add(path)) {
                args.addAll(List.of("--ro-bind", path, path));
            }
        }
        for (String dir : SYSTEM_LINK_DIRS) {
            Path host = Path.of(dir);
            if (bound.contains(dir)) {
                continue;
            }
            if (Files.isSymbolicLink(host)) {
                try {
                    args.addAll(
                            List.of("--symlink", Files.readSymbolicLink(host).toString(), dir));
                    bound.add(dir);
                } catch (IOException e) {
                    // Unreadable link: leave the folder out; programs that need it will say so.
                }
            } else if (Files.isDirectory(host)) {
                args.addAll(List.of("--ro-bind", dir, dir));
                bound.add(dir);
            }
        }
        resolvConfTarget(bound).ifPresent(real -> args.addAll(List.of("--ro-bind", real, real)));
        readOnlyRoots.addAll(bound);
        readOnlyRoots.add("/proc");
        readOnlyRoots.add("/dev");
        return args;
    }

    /**
     * With /etc bound, the host's resolver configuration must also resolve inside the sandbox:
     * on systemd-resolved hosts /etc/resolv.conf is a symlink into /run, which the sandbox does not
     * have, and name lookups would fail although the host network is kept. Returns the link's
     * real target when it lies outside the folders already bound.
     */
    private static Optional<String> resolvConfTarget(Set<String> bound) {
        Path resolvConf = Path.of("/etc/resolv.conf");
        if (!bound.contains("/etc") || !Files.isSymbolicLink(resolvConf)) {
            return Optional.empty();
        }
        try {
            Path real = resolvConf.toRealPath();
            boolean visible = bound.stream().anyMatch(b -> real.startsWith(Path.of(b)));
            return visible ? Optional.empty() : Optional.of(real.toString());
        } catch (IOException e) {
            return Optional.empty(); // a dangling link stays dangling inside too
        }
    }

    private static String normalize(String p) {
        try {
            return Path.of(p).normalize().toString();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** A path as given, or the first executable of that name on PATH. */
    static Optional<Path> locate(String program) {
        requireNonNull(program, "program is null");
        if (program.indexOf('/') >= 0) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private record ProbeResult(int exitCode, String output) {
        String describe() {
            String first = output.strip().lines().findFirst().orElse("");
            return exitCode == -1 ? first : "exit code " + exitCode + (first.isEmpty() ? "" : ": " + first);
        }
    }

    /** Runs a short probe command; output is stdout and stderr merged. */
    private static ProbeResult run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        environment(pb.environment(), Map.of());
        try {
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4096);
            }
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new ProbeResult(-1, "no answer within " + PROBE_TIMEOUT_SECONDS + "s");
            }
            return new ProbeResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ProbeResult(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult(-1, "interrupted");
        }
    }
}
