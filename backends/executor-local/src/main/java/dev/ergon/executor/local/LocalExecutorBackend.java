package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.Observation;
import dev.ergon.spi.ObservationListener;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ProviderContext;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Runs each task's executors, strictly in order, as local processes in a bubblewrap sandbox, so
 * TES container paths work as in a container: the task's inputs, outputs, volumes and working
 * directories are bound read-write from its workspace at their container paths, the host's
 * {@code /usr}, {@code /etc} and {@code /opt} read-only, with a private {@code /tmp} and its own
 * PID namespace. The executor's {@code image} is only recorded: the sandbox runs the host's
 * programs.
 *
 * <p>At most {@code max-concurrent} tasks run at once; the others wait in phase QUEUED, first come
 * first served. Each task runs on its own virtual thread.
 *
 * <p>Thread-safe: tasks live in a concurrent map; each task's state is guarded by its own lock
 * (see {@link LocalTask}). Tasks are kept in memory only, so they are lost when Ergon restarts
 * (no {@link ExecutorCapability#SURVIVES_RESTART}); their processes die with Ergon.
 */
public final class LocalExecutorBackend implements ExecutorBackend {
    private static final Set<ExecutorCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            ExecutorCapability.SHARED_FILESYSTEM,
            ExecutorCapability.STREAM_REDIRECTION,
            ExecutorCapability.IGNORE_ERROR,
            ExecutorCapability.WORKDIR_AND_ENV,
            ExecutorCapability.VOLUMES,
            ExecutorCapability.PUSHES_CHANGES,
            ExecutorCapability.SEPARATE_LOG_STREAMS));

    /** How long {@link #close()} and {@link #cleanup} wait for killed executors beyond the kill grace. */
    private static final Duration EXTRA_WAIT = Duration.ofSeconds(5);

    private static final Pattern SAFE_FOLDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final LocalExecutorBackendConfig config;
    private final Clock clock;
    private final Path dataDir;
    private final Bubblewrap bwrap;
    /** One permit per task that may run; fair, so queued tasks start in submission order. */
    private final Semaphore slots;

    private final ConcurrentMap<String, LocalTask> tasks = new ConcurrentHashMap<>();
    private final List<ObservationListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Starts every process, from one long-lived platform thread. bwrap's {@code --die-with-parent}
     * uses PR_SET_PDEATHSIG, which fires when the <em>thread</em> that started the process ends,
     * not the JVM: started from a task's virtual thread (whose carrier may retire) a sandbox could
     * be killed mid-run. When this thread ends (on {@link #close()} or with the JVM), every
     * sandbox still alive is killed, which is what we want.
     */
    private final ExecutorService spawner;
    /** One virtual thread per task, from submit until the task ends. */
    private final ExecutorService runners;

    private final AtomicBoolean closed = new AtomicBoolean();

    LocalExecutorBackend(LocalExecutorBackendConfig config, ProviderContext context) {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(context, "context is null");
        this.clock = context.clock();
        this.dataDir = context.dataDir().resolve("local");
        this.bwrap = Bubblewrap.probe(config.bwrap(), config.roBinds());
        this.slots = new Semaphore(config.maxConcurrent(), true);
        this.spawner = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("ergon-local-spawner").factory());
        this.runners = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("ergon-local-task-", 0).factory());
    }

    @Override
    public Set<ExecutorCapability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Queues the task and returns at once; it runs on its own thread. Idempotent by task id: a
     * task this backend already has gets its handle back and nothing starts. When bwrap is
     * unavailable the task is accepted and ends SYSTEM_ERROR saying why.
     *
     * @throws ErgonException INVALID_INPUT without {@code workspace}, or naming a path the sandbox
     *     cannot bind; BACKEND_UNAVAILABLE after {@link #close()}
     */
    @Override
    public TaskHandle submit(TaskSpec spec) {
        requireNonNull(spec, "spec is null");
        LocalTask existing = tasks.get(spec.taskId());
        if (existing != null) {
            return existing.handle;
        }
        if (closed.get()) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "the local executor is closed");
        }
        for (int i = 0; i < spec.executors().size(); i++) {
            if (spec.executors().get(i).command().isEmpty()) {
                throw ErgonException.invalid("executors[" + i + "].command", "must not be empty");
            }
        }
        List<SandboxMounts.Bind> binds = SandboxMounts.plan(spec, bwrap.readOnlyRoots());
        TaskHandle handle = new TaskHandle(spec.taskId(), LocalExecutorBackendProvider.NAME, spec.taskId());
        LocalTask task =
                new LocalTask(spec, handle, dataDir.resolve(folderName(spec.taskId())), binds, config.logTailBytes());
        LocalTask raced = tasks.putIfAbsent(spec.taskId(), task);
        if (raced != null) {
            return raced.handle;
        }
        try {
            runners.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            tasks.remove(spec.taskId(), task);
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "the local executor is closed", e);
        }
        changed(task);
        return handle;
    }

    @Override
    public Observation observe(TaskHandle handle) {
        LocalTask t = find(handle);
        if (t == null) {
            return Observation.unknown("the local executor has no task " + handle.taskId()
                    + " (it forgets its tasks when Ergon restarts or after cleanup)");
        }
        return t.observe();
    }

    /**
     * Cancels the task: a queued one ends CANCELED at once; a running executor's processes get
     * SIGTERM, then SIGKILL after {@code kill-grace}, and the task ends CANCELED when they have
     * exited; later executors never start. Returns without waiting. No-op for an ended or unknown
     * task.
     */
    @Override
    public void cancel(TaskHandle handle) {
        LocalTask t = find(handle);
        if (t == null || t.phase().isTerminal()) {
            return;
        }
        t.cancel().ifPresent(p -> ProcessTree.terminate(p, config.killGrace()));
        changed(t);
    }

    /**
     * Forgets the task and deletes its folder {@code dataDir/local/<task>} (captured logs); never
     * the workspace, which Ergon owns. A task that has not ended is cancelled first, and this waits
     * (up to {@code kill-grace} plus a few seconds) for it to end. Idempotent.
     */
    @Override
    public void cleanup(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!LocalExecutorBackendProvider.NAME.equals(handle.backend())) {
            return;
        }
        LocalTask t = find(handle);
        if (t != null) {
            if (!t.phase().isTerminal()) {
                cancel(handle);
                t.awaitEnd(config.killGrace().plus(EXTRA_WAIT));
            }
            tasks.remove(handle.taskId(), t);
        }
        // Also when unknown: a folder left by a previous Ergon process is freed the same way.
        deleteRecursively(dataDir.resolve(folderName(handle.taskId())));
    }

    @Override
    public void addListener(ObservationListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    @Override
    public Optional<String> unavailableReason() {
        return bwrap.unavailableReason();
    }

    /** {@code sandbox} (the bwrap version, or {@code unavailable}) and {@code max-concurrent}. */
    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put(
                "sandbox", bwrap.unavailableReason().isEmpty() ? bwrap.version().orElse("bubblewrap") : "unavailable");
        info.put("max-concurrent", Integer.toString(config.maxConcurrent()));
        return Collections.unmodifiableMap(info);
    }

    /**
     * Cancels every task that has not ended, waits (up to {@code kill-grace} plus a few seconds)
     * for their processes to exit, and stops the backend's threads; later submits fail with
     * BACKEND_UNAVAILABLE. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (LocalTask t : tasks.values()) {
            cancel(t.handle);
        }
        long deadline = System.nanoTime() + config.killGrace().plus(EXTRA_WAIT).toNanos();
        for (LocalTask t : tasks.values()) {
            t.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        runners.shutdownNow();
        spawner.shutdownNow();
    }

    // ---- the runner: one virtual thread per task ----

    private void run(LocalTask task) {
        task.runnerStarted(Thread.currentThread());
        boolean slot = false;
        try {
            Optional<String> unavailable = bwrap.unavailableReason();
            if (unavailable.isPresent()) {
                end(task, Phase.SYSTEM_ERROR, unavailable.get());
                return;
            }
            try {
                slots.acquire();
                slot = true;
            } catch (InterruptedException e) {
                // cancel() of a queued task wakes us; it is CANCELED already and this changes nothing.
                end(task, Phase.SYSTEM_ERROR, "interrupted while waiting for a free slot");
                return;
            }
            if (!task.start()) {
                return; // cancelled while queued
            }
            changed(task);
            runExecutors(task);
        } catch (RuntimeException e) {
            // A bug; the task must still end, so Ergon does not observe a RUNNING task forever.
            end(task, Phase.SYSTEM_ERROR, "the local executor failed: " + e);
        } catch (Error e) {
            end(task, Phase.SYSTEM_ERROR, "the local executor failed: " + e);
            throw e;
        } finally {
            if (slot) {
                slots.release();
            }
        }
    }

    private void runExecutors(LocalTask task) {
        TaskSpec spec = task.spec;
        task.log("executors run the host's programs in a bubblewrap sandbox; images are recorded, not pulled: "
                + spec.executors().stream().map(ExecutorSpec::image).distinct().toList());
        Optional<String> problem = SandboxMounts.prepare(spec, bwrap.readOnlyRoots());
        if (problem.isPresent()) {
            end(task, Phase.SYSTEM_ERROR, problem.get());
            return;
        }
        try {
            Files.createDirectories(task.logDir);
        } catch (IOException e) {
            end(task, Phase.SYSTEM_ERROR, "could not create the task's log folder " + task.logDir + ": " + e);
            return;
        }
        for (int i = 0; i < spec.executors().size(); i++) {
            if (task.cancelRequested()) {
                end(task, Phase.CANCELED, "canceled before executors[" + i + "] started");
                return;
            }
            ExecutorSpec e = spec.executors().get(i);
            String field = "executors[" + i + "]";
            ProcessBuilder pb =
                    new ProcessBuilder(bwrap.command(task.binds, e.workdir().orElse("/"), e.command()));
            Bubblewrap.environment(pb.environment(), e.env());
            Path stdout;
            Path stderr;
            try {
                stdout = e.stdout().isPresent()
                        ? SandboxMounts.redirectTarget(
                                spec, field + ".stdout", e.stdout().get())
                        : task.logDir.resolve("exec-" + i + ".stdout");
                stderr = e.stderr().isPresent()
                        ? SandboxMounts.redirectTarget(
                                spec, field + ".stderr", e.stderr().get())
                        : task.logDir.resolve("exec-" + i + ".stderr");
                if (e.stdin().isPresent()) {
                    Path stdin = SandboxMounts.redirectTarget(
                            spec, field + ".stdin", e.stdin().get());
                    if (!Files.isRegularFile(stdin)) {
                        end(
                                task,
                                Phase.SYSTEM_ERROR,
                                field + ".stdin: " + e.stdin().get() + " does not exist in the task's workspace");
                        return;
                    }
                    pb.redirectInput(stdin.toFile());
                } else {
                    pb.redirectInput(new File("/dev/null"));
                }
            } catch (IOException ex) {
                end(task, Phase.SYSTEM_ERROR, ex.getMessage());
                return;
            }
            pb.redirectOutput(stdout.toFile());
            if (stdout.equals(stderr)) {
                pb.redirectErrorStream(true); // two truncating opens of one file would overwrite each other
            } else {
                pb.redirectError(stderr.toFile());
            }

            Instant start = clock.instant();
            Process p;
            try {
                p = CompletableFuture.supplyAsync(() -> startProcess(pb), spawner)
                        .join();
            } catch (CompletionException | RejectedExecutionException ex) {
                Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                String why = cause instanceof RejectedExecutionException
                        ? "the local executor is closed"
                        : cause.getMessage();
                end(task, Phase.SYSTEM_ERROR, field + ": could not start bwrap: " + why);
                return;
            }
            if (task.executorStarted(i, start, p, stdout, stderr)) {
                ProcessTree.terminate(p, config.killGrace()); // cancel() came while we started it
            }
            changed(task);
            // join(), not waitFor(): it parks a virtual thread instead of pinning its carrier.
            int exit = p.onExit().join().exitValue();
            task.executorEnded(
                    clock.instant(),
                    exit,
                    LogTail.read(stdout, config.logTailBytes()),
                    LogTail.read(stderr, config.logTailBytes()));
            changed(task);
            if (task.cancelRequested()) {
                end(task, Phase.CANCELED, "canceled while " + field + " ran (exit code " + exit + ")");
                return;
            }
            if (exit != 0 && !e.ignoreError()) {
                end(task, Phase.EXECUTOR_ERROR, field + " exited with code " + exit + "; later executors did not run");
                return;
            }
            if (exit != 0) {
                task.log(field + " exited with code " + exit + "; ignored (ignore_error)");
            }
        }
        end(task, Phase.COMPLETE, Optional.empty());
    }

    private static Process startProcess(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private void end(LocalTask task, Phase phase, String logLine) {
        end(task, phase, Optional.of(logLine));
    }

    private void end(LocalTask task, Phase phase, Optional<String> logLine) {
        if (task.end(phase, logLine)) {
            changed(task);
        }
    }

    /** Tells the listeners; they are hints that must be fast, and one that throws must not stop the task. */
    private void changed(LocalTask task) {
        for (ObservationListener l : listeners) {
            try {
                l.changed(task.spec.taskId());
            } catch (RuntimeException e) {
                // Ignored: Ergon polls as well, so a failed hint only delays the next observation.
            }
        }
    }

    private LocalTask find(TaskHandle handle) {
        requireNonNull(handle, "handle is null");
        if (!LocalExecutorBackendProvider.NAME.equals(handle.backend())) {
            return null;
        }
        LocalTask t = tasks.get(handle.taskId());
        return t != null && t.handle.equals(handle) ? t : null;
    }

    /** The task's folder name under {@code dataDir/local}: the id when it is a safe file name, else a hash of it. */
    static String folderName(String taskId) {
        if (SAFE_FOLDER_NAME.matcher(taskId).matches()) {
            return taskId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(taskId.getBytes(StandardCharsets.UTF_8));
            return "id-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Best effort: a leftover log folder wastes space but breaks nothing.
        }
    }
}
