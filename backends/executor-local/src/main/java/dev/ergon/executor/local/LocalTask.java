package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One submitted task's state in the local backend. Thread-safe: every field that changes is
 * guarded by {@code this}; the task's runner thread writes it and any thread may observe or
 * cancel. Nothing slow (process start, file reads, listener calls) happens while the lock is held.
 */
final class LocalTask {
    final TaskSpec spec;
    final TaskHandle handle;
    /** {@code dataDir/local/<task>}: captured stdout/stderr of executors that do not redirect them. */
    final Path logDir;
    /** The read-write binds, computed (and validated) at submit. */
    final List<SandboxMounts.Bind> binds;

    private final int logTailBytes;
    private final CountDownLatch ended = new CountDownLatch(1);

    // Guarded by this.
    private Phase phase = Phase.QUEUED;
    private final List<Run> runs = new ArrayList<>();
    private final List<String> systemLogs = new ArrayList<>();
    private boolean cancelRequested;
    private Process process;
    private Thread runner;

    LocalTask(TaskSpec spec, TaskHandle handle, Path logDir, List<SandboxMounts.Bind> binds, int logTailBytes) {
        this.spec = requireNonNull(spec, "spec is null");
        this.handle = requireNonNull(handle, "handle is null");
        this.logDir = requireNonNull(logDir, "logDir is null");
        this.binds = List.copyOf(binds);
        this.logTailBytes = logTailBytes;
    }

    /** One executor that has started; tails are read from the files while it runs, kept once it ended. */
    private static final class Run {
        final int index;
        final Instant start;
        final Path stdout;
        final Path stderr;
        Instant end;
        OptionalInt exitCode = OptionalInt.empty();
        String stdoutTail = "";
        String stderrTail = "";

        Run(int index, Instant start, Path stdout, Path stderr) {
            this.index = index;
            this.start = start;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    synchronized Phase phase() {
        return phase;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    synchronized void log(String line) {
        systemLogs.add(line);
    }

    /** Records the runner thread so {@link #cancel} can wake it while it waits for a slot. */
    synchronized void runnerStarted(Thread thread) {
        runner = thread;
    }

    /**
     * The runner got a slot: QUEUED → RUNNING.
     *
     * @return false when the task was cancelled while queued (it is CANCELED already)
     */
    synchronized boolean start() {
        if (cancelRequested || phase != Phase.QUEUED) {
            return false;
        }
        phase = Phase.RUNNING;
        return true;
    }

    /**
     * Registers a started executor process.
     *
     * @return true when a cancel arrived meanwhile, so the caller must stop the process
     */
    synchronized boolean executorStarted(int index, Instant start, Process p, Path stdout, Path stderr) {
        runs.add(new Run(index, start, stdout, stderr));
        process = p;
        return cancelRequested;
    }

    /** Records the end of the running executor (tails read by the caller, outside the lock). */
    synchronized void executorEnded(Instant end, int exitCode, String stdoutTail, String stderrTail) {
        Run r = runs.get(runs.size() - 1);
        r.end = end;
        r.exitCode = OptionalInt.of(exitCode);
        r.stdoutTail = stdoutTail;
        r.stderrTail = stderrTail;
        process = null;
    }

    /**
     * Ends the task in {@code terminal} with an optional system log line. A task ends once: a
     * later call (e.g. the runner finishing a task cancelled while queued) changes nothing.
     *
     * @return whether this call ended it
     */
    synchronized boolean end(Phase terminal, Optional<String> logLine) {
        if (phase.isTerminal()) {
            return false;
        }
        phase = terminal;
        logLine.ifPresent(systemLogs::add);
        process = null;
        ended.countDown();
        return true;
    }

    /**
     * Marks the task cancelled. A queued task ends CANCELED at once (its runner is woken and
     * gives up its place); a running one ends CANCELED when its process has exited.
     *
     * @return the process to stop, if one runs; empty for a queued, ended or idle task
     */
    synchronized Optional<Process> cancel() {
        if (phase.isTerminal() || cancelRequested) {
            return Optional.empty();
        }
        cancelRequested = true;
        if (phase == Phase.QUEUED) {
            end(Phase.CANCELED, Optional.of("canceled while queued; no executor ran"));
            if (runner != null) {
                runner.interrupt();
            }
            return Optional.empty();
        }
        return Optional.ofNullable(process);
    }

    /** Waits until the task is terminal. @return whether it is */
    boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return phase().isTerminal();
        }
    }

    /** A snapshot; a running executor's tails are read from its log files outside the lock. */
    Observation observe() {
        Phase p;
        List<String> logs;
        List<ExecutorResult> results = new ArrayList<>();
        Run live = null;
        synchronized (this) {
            p = phase;
            logs = List.copyOf(systemLogs);
            for (Run r : runs) {
                if (r.end == null) {
                    live = r; // only the last run can still be running
                } else {
                    results.add(new ExecutorResult(
                            r.index, Optional.of(r.start), Optional.of(r.end), r.exitCode, r.stdoutTail, r.stderrTail));
                }
            }
        }
        if (live != null) {
            // Only live's final fields are read here; they were published through the lock above.
            results.add(new ExecutorResult(
                    live.index,
                    Optional.of(live.start),
                    Optional.empty(),
                    OptionalInt.empty(),
                    LogTail.read(live.stdout, logTailBytes),
                    LogTail.read(live.stderr, logTailBytes)));
        }
        return new Observation(p, results, logs);
    }
}
