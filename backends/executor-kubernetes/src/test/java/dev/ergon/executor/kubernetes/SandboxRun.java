package dev.ergon.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The fake kubelet's container runtime for unscripted images: runs the container's {@code command}
 * + {@code args} for real, with the host's programs (the image is not pulled), inside a
 * bubblewrap sandbox shaped like the container: the host's {@code /usr} and {@code /etc} read-only,
 * a private {@code /tmp}, a {@code /dev/termination-log}, the container's env and workingDir, and
 * each of its volumeMounts bound from the Pod's volume folder ({@code subPath} honoured; a missing
 * subPath folder is created, as the kubelet does). So the manifest's mounts, wrapper scripts and
 * redirections are exercised exactly as written. stdout and stderr are captured separately and
 * interleaved, as the kubelet keeps them.
 */
final class SandboxRun implements Behaviour.Run {
    private static final int MAX_LOG = 1 << 20;
    private final Process process;
    private final Path terminationLog;
    private final Capture out = new Capture();
    private final Capture err = new Capture();
    private final StringBuffer all = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private SandboxRun(Process process, Path terminationLog, Runnable wake) {
        this.process = process;
        this.terminationLog = terminationLog;
        this.outReader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), out));
        this.errReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), err));
        process.onExit().thenRun(wake);
    }

    /** The behaviour of every unscripted image. */
    static Behaviour behaviour() {
        return ctx -> {
            V1Container c = ctx.container();
            List<String> argv = new ArrayList<>();
            if (c.getCommand() != null) {
                argv.addAll(c.getCommand());
            }
            if (c.getArgs() != null) {
                argv.addAll(c.getArgs());
            }
            if (argv.isEmpty()) {
                return new Behaviour.Waiting(
                        "CreateContainerError",
                        "the fake kubelet knows no entrypoint of image " + c.getImage() + "; give a command");
            }
            try {
                Path term = Files.createTempFile(ctx.scratch(), c.getName(), ".termination-log");
                List<String> cmd = new ArrayList<>(List.of(
                        "bwrap",
                        "--die-with-parent",
                        "--new-session",
                        "--unshare-pid",
                        "--ro-bind",
                        "/usr",
                        "/usr",
                        "--ro-bind",
                        "/etc",
                        "/etc"));
                for (String d : List.of("/bin", "/sbin", "/lib", "/lib64")) {
                    Path p = Path.of(d);
                    if (Files.isSymbolicLink(p)) {
                        cmd.addAll(
                                List.of("--symlink", Files.readSymbolicLink(p).toString(), d));
                    } else if (Files.isDirectory(p)) {
                        cmd.addAll(List.of("--ro-bind", d, d));
                    }
                }
                cmd.addAll(List.of(
                        "--proc",
                        "/proc",
                        "--dev",
                        "/dev",
                        "--tmpfs",
                        "/tmp",
                        "--bind",
                        term.toString(),
                        "/dev/termination-log"));
                List<V1VolumeMount> mounts =
                        new ArrayList<>(c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts());
                mounts.sort(Comparator.comparing(V1VolumeMount::getMountPath));
                for (V1VolumeMount m : mounts) {
                    Path source = m.getSubPath() == null || m.getSubPath().isEmpty()
                            ? ctx.volume()
                            : ctx.volume().resolve(m.getSubPath()).normalize();
                    if (!source.startsWith(ctx.volume())) {
                        return new Behaviour.Waiting(
                                "CreateContainerConfigError", "subPath escapes the volume: " + m.getSubPath());
                    }
                    if (!Files.exists(source)) {
                        Files.createDirectories(source);
                    }
                    cmd.addAll(List.of("--bind", source.toString(), m.getMountPath()));
                }
                cmd.addAll(List.of(
                        "--chdir",
                        c.getWorkingDir() == null || c.getWorkingDir().isEmpty() ? "/" : c.getWorkingDir()));
                cmd.add("--");
                cmd.addAll(argv);
                ProcessBuilder pb = new ProcessBuilder(cmd);
                Map<String, String> env = pb.environment();
                env.clear();
                env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                env.put("HOME", "/root");
                env.put("HOSTNAME", ctx.pod().getMetadata().getName());
                if (c.getEnv() != null) {
                    for (V1EnvVar e : c.getEnv()) {
                        env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
                    }
                }
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                return new Behaviour.Started(new SandboxRun(pb.start(), term, ctx.wake()));
            } catch (IOException e) {
                return new Behaviour.Waiting(
                        "RunContainerError", "the fake kubelet could not start bwrap: " + e.getMessage());
            }
        };
    }

    @Override
    public Behaviour.Poll poll() {
        if (process.isAlive()) {
            return new Behaviour.Running();
        }
        try {
            outReader.join();
            errReader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String message;
        try {
            message = Files.readString(terminationLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            message = "";
        }
        int code = process.exitValue();
        return new Behaviour.Exited(
                code,
                code == 0 ? "Completed" : "Error",
                message.isEmpty() ? null : message,
                out.text(),
                err.text(),
                all.toString());
    }

    @Override
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void pump(InputStream in, Capture target) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                target.write(buf, n);
                synchronized (all) {
                    if (all.length() < MAX_LOG) {
                        all.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read is kept
        }
    }

    private static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        synchronized void write(byte[] b, int n) {
            if (bytes.size() < MAX_LOG) {
                bytes.write(b, 0, Math.min(n, MAX_LOG - bytes.size()));
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
