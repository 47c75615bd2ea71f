package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.staging.OutputFileLog;
import dev.ergon.state.TaskEntity;
import dev.ergon.state.TaskState;
import dev.ergon.state.TaskStore;
import jakarta.json.JsonArrayBuilder;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Drives one claimed task to a terminal state, on its own virtual thread: QUEUED → INITIALIZING
 * (stage inputs in) → record the submission → submit → RUNNING → observe, writing executor logs
 * as they arrive → (stage outputs out) → one conditional UPDATE to the terminal state. A task
 * found after a crash resumes from what the database says: a task recorded as submitted is never
 * submitted again; the backend is asked about it instead.
 */
final class TaskRun implements Runnable {
    private static final Logger LOG = System.getLogger(TaskRun.class.getName());
    private static final long STATE_CHECK_NANOS = 1_000_000_000L;

    private final String id;
    private final String owner;
    private final ErgonRuntime rt;
    private final Runnable onEnd;
    private final Semaphore signal = new Semaphore(0);
    private final Map<Integer, ExecutorResult> written = new HashMap<>();
    private volatile boolean stopped;

    TaskRun(String id, String owner, ErgonRuntime rt, Runnable onEnd) {
        this.id = id;
        this.owner = owner;
        this.rt = rt;
        this.onEnd = onEnd;
    }

    /** Something changed (the backend saw progress, or a cancel was requested): look now. */
    void wake() {
        signal.release();
    }

    /** Stops driving the task (process shutdown); its lease expires and another controller resumes it. */
    void stop() {
        stopped = true;
        signal.release();
    }

    @Override
    public void run() {
        TaskStore store = rt.store();
        try {
            Optional<TaskEntity> found = store.find(id, true);
            if (found.isEmpty()) {
                return;
            }
            TaskEntity t = found.get();
            TaskSpec spec = rt.tesTasks().specOf(t);
            ExecutorBackend backend = rt.backend();
            TaskHandle handle = new TaskHandle(
                    id,
                    t.getBackend() == null ? rt.backendName() : t.getBackend(),
                    t.getBackendRef() == null ? id : t.getBackendRef());
            TaskState state = t.getState();
            if (state.isTerminal()) {
                return;
            }
            if (t.getSubmittedAt() != null) {
                // Resumed after a crash: never submit again; ask the backend what became of it.
                if (state == TaskState.CANCELING) {
                    backend.cancel(handle);
                }
                observe(spec, handle, state);
                return;
            }
            if (state == TaskState.CANCELING) {
                store.transition(id, TaskState.CANCELING, TaskState.CANCELED);
                return;
            }
            if (state == TaskState.QUEUED && !store.transition(id, TaskState.QUEUED, TaskState.INITIALIZING)) {
                store.releaseLease(owner, id); // cancelled (or taken) meanwhile
                return;
            }
            if (state != TaskState.QUEUED && state != TaskState.INITIALIZING) {
                fail(state, "task was " + state + " without having been submitted; it cannot be resumed");
                return;
            }
            Optional<String> unavailable = backend.unavailableReason();
            if (unavailable.isPresent()) {
                fail(
                        TaskState.INITIALIZING,
                        "executor backend '" + rt.backendName() + "' cannot run tasks: " + unavailable.get());
                return;
            }
            Path workspace = null;
            if (backend.capabilities().contains(ExecutorCapability.SHARED_FILESYSTEM)) {
                workspace = workspace();
                try {
                    Files.createDirectories(workspace);
                    rt.staging().stageIn(spec, workspace);
                } catch (ErgonException | IOException e) {
                    fail(TaskState.INITIALIZING, "staging inputs failed: " + e.getMessage());
                    return;
                }
                spec = spec.withWorkspace(workspace);
            }
            if (cancelRequested()) {
                store.transition(id, TaskState.CANCELING, TaskState.CANCELED);
                cleanupWorkspace(true);
                return;
            }
            if (!store.markSubmitted(id, owner, rt.backendName(), id)) {
                LOG.log(Level.WARNING, "Task {0}: lease lost before submission; leaving it to its new owner", id);
                return;
            }
            handle = submit(backend, spec);
            if (handle == null) {
                return;
            }
            observe(spec, handle, TaskState.INITIALIZING);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Task " + id + ": unexpected failure", e);
            try {
                store.state(id)
                        .filter(s -> !s.isTerminal() && s.canBecome(TaskState.SYSTEM_ERROR))
                        .ifPresent(s -> fail(s, "internal error: " + e));
            } catch (RuntimeException ignored) {
                // the lease expires and another controller looks at it
            }
        } finally {
            onEnd.run();
        }
    }

    private TaskHandle submit(ExecutorBackend backend, TaskSpec spec) {
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                return backend.submit(spec);
            } catch (ErgonException e) {
                if (e.kind() == ErrorKind.BACKEND_UNAVAILABLE && attempt < 5 && !stopped) {
                    sleep(backoff);
                    backoff *= 2;
                    continue;
                }
                fail(TaskState.INITIALIZING, "the executor backend rejected the task: " + e.getMessage());
                return null;
            }
        }
    }

    /** Follows the task in the backend until it ends, then records the end. */
    private void observe(TaskSpec spec, TaskHandle handle, TaskState known) {
        ExecutorBackend backend = rt.backend();
        TaskStore store = rt.store();
        TaskState state = known;
        boolean cancelSent = false;
        long lastStateCheck = 0;
        Observation obs;
        while (true) {
            try {
                obs = backend.observe(handle);
            } catch (ErgonException e) {
                if (e.kind() != ErrorKind.BACKEND_UNAVAILABLE || stopped) {
                    throw e;
                }
                // The backend cannot answer now (e.g. its API server is down): the task may well be
                // fine. Keep the lease and ask again; the periodic poll is the retry.
                LOG.log(Level.WARNING, "Task {0}: the executor backend is unavailable: {1}", id, e.getMessage());
                sleep(1000);
                continue;
            }
            writeExecutorLogs(obs);
            if ((obs.phase() == Phase.RUNNING || obs.phase().isTerminal()) && state == TaskState.INITIALIZING) {
                if (store.transition(id, TaskState.INITIALIZING, TaskState.RUNNING)) {
                    state = TaskState.RUNNING;
                } else {
                    state = store.state(id).orElse(state);
                }
            }
            if (obs.phase().isTerminal()) {
                break;
            }
            if (stopped) {
                return;
            }
            // Cancellation arrives as a wake-up; the periodic read is the guarantee.
            if (!cancelSent
                    && (System.nanoTime() - lastStateCheck > STATE_CHECK_NANOS || signal.availablePermits() > 0)) {
                lastStateCheck = System.nanoTime();
                state = store.state(id).orElse(state);
                if (state == TaskState.CANCELING) {
                    backend.cancel(handle);
                    cancelSent = true;
                    continue;
                }
            }
            try {
                signal.tryAcquire(250, TimeUnit.MILLISECONDS);
                signal.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
        state = store.state(id).orElse(state);
        List<String> logs = new ArrayList<>(obs.systemLogs());
        TaskState target =
                switch (obs.phase()) {
                    case COMPLETE -> TaskState.COMPLETE;
                    case EXECUTOR_ERROR -> TaskState.EXECUTOR_ERROR;
                    case CANCELED -> TaskState.CANCELED;
                    case PREEMPTED -> TaskState.PREEMPTED;
                    case UNKNOWN -> {
                        logs.add(
                                "the executor backend no longer knows this task (Ergon restarted while it ran?); it is not run"
                                        + " again, so that no executor runs twice");
                        yield TaskState.SYSTEM_ERROR;
                    }
                    default -> TaskState.SYSTEM_ERROR;
                };
        if (state == TaskState.CANCELING) {
            target = TaskState.CANCELED;
        }
        if (target == TaskState.COMPLETE
                && spec.workspace().isPresent()
                && !spec.outputs().isEmpty()) {
            try {
                List<OutputFileLog> outs =
                        rt.staging().stageOut(spec, spec.workspace().get());
                JsonArrayBuilder a = TesTasks.JSON.createArrayBuilder();
                for (OutputFileLog o : outs) {
                    a.add(TesTasks.JSON
                            .createObjectBuilder()
                            .add("url", o.url())
                            .add("path", o.path())
                            .add("size_bytes", Long.toString(o.sizeBytes())));
                }
                store.setOutputLogs(id, a.build().toString());
            } catch (ErgonException e) {
                logs.add("staging outputs failed: " + e.getMessage());
                target = TaskState.SYSTEM_ERROR;
            }
        }
        if (!state.canBecome(target)) {
            LOG.log(Level.WARNING, "Task {0}: cannot go from {1} to {2}", id, state, target);
            target = state.canBecome(TaskState.SYSTEM_ERROR) ? TaskState.SYSTEM_ERROR : target;
        }
        if (state.canBecome(target) && !store.transition(id, state, target, logs)) {
            TaskState now = store.state(id).orElse(state);
            if (now.canBecome(target)) {
                store.transition(id, now, now == TaskState.CANCELING ? TaskState.CANCELED : target, logs);
            }
        }
        backend.cleanup(handle);
        cleanupWorkspace(target != TaskState.COMPLETE);
    }

    private void writeExecutorLogs(Observation obs) {
        for (ExecutorResult r : obs.executors()) {
            ExecutorResult before = written.get(r.index());
            boolean changed = before == null
                    || !before.exitCode().equals(r.exitCode())
                    || !before.endTime().equals(r.endTime())
                    || (r.exitCode().isPresent()
                            && (!before.stdout().equals(r.stdout())
                                    || !before.stderr().equals(r.stderr())));
            if (changed) {
                rt.store()
                        .recordExecutor(
                                id, r.index(), r.startTime(), r.endTime(), r.exitCode(), r.stdout(), r.stderr());
                written.put(r.index(), r);
            }
        }
    }

    private boolean cancelRequested() {
        return rt.store().state(id).map(s -> s == TaskState.CANCELING).orElse(false);
    }

    private void fail(TaskState from, String why) {
        LOG.log(Level.INFO, "Task {0}: SYSTEM_ERROR: {1}", id, why);
        TaskState cur = from;
        for (int i = 0; i < 3; i++) {
            TaskState target = cur == TaskState.CANCELING ? TaskState.CANCELED : TaskState.SYSTEM_ERROR;
            if (!cur.canBecome(target) || rt.store().transition(id, cur, target, List.of(why))) {
                break;
            }
            cur = rt.store().state(id).orElse(cur);
        }
        cleanupWorkspace(true);
    }

    private Path workspace() {
        return rt.settings().dataDir().resolve("tasks").resolve(id);
    }

    private void cleanupWorkspace(boolean failed) {
        if (failed && rt.settings().keepWorkspaceOnFailure()) {
            return;
        }
        Path ws = workspace();
        if (!Files.exists(ws)) {
            return;
        }
        try {
            Files.walkFileTree(ws, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Task {0}: could not remove its workspace {1}: {2}", id, ws, e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
