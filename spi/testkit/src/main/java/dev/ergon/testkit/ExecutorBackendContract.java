package dev.ergon.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExecutorBackend} must do, whatever it runs on. Backend-agnostic: executors
 * are {@code sh -c} scripts in a small image, files are TES container paths, and executors share
 * files through a volume ({@code /data}), never through the test's own file system. For a backend
 * with {@link ExecutorCapability#SHARED_FILESYSTEM} each task gets a fresh temporary workspace.
 *
 * <p>A test that needs a capability the backend lacks does not skip: it checks that {@link
 * ExecutorBackend#submit} rejects the task with {@link ErrorKind#INVALID_INPUT} and a {@link
 * ErgonException#field()} naming the TES field the backend cannot honour (see {@link
 * #CAPABILITY_FIELDS}), as {@link ExecutorCapability} demands.
 *
 * <p>Subclasses supply the backend (one per test class is fine; the contract cancels and cleans up
 * every task it submitted after each test) and may widen {@link #timeout()} for slow backends.
 */
public abstract class ExecutorBackendContract {
    /**
     * The field a backend lacking a capability must name when it rejects a task that needs it:
     * {@code volumes} or {@code volumes[i]}; {@code executors[i].ignore_error}; {@code
     * executors[i].workdir} or {@code .env}; {@code executors[i].stdin}, {@code .stdout} or {@code
     * .stderr}.
     */
    protected static final Map<ExecutorCapability, Pattern> CAPABILITY_FIELDS = capabilityFields();

    /** The volume executors share files through. */
    protected static final String VOLUME = "/data";

    private final List<TaskHandle> submitted = new CopyOnWriteArrayList<>();
    private Path workspaces;

    /** The backend under test; the same instance on every call. */
    protected abstract ExecutorBackend backend();

    /** How long a short task may take from submit to a terminal phase on this backend. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void createWorkspaces() throws IOException {
        workspaces = Files.createTempDirectory("ergon-executor-contract-");
    }

    @AfterEach
    void cancelAndCleanUp() {
        for (TaskHandle h : submitted) {
            backend().cancel(h);
            backend().cleanup(h);
        }
        submitted.clear();
        deleteQuietly(workspaces);
    }

    @Test
    public void executorsRunInOrderAndShareVolumes() {
        TaskSpec spec = task().volume(VOLUME)
                .executor(TestTasks.shell("echo one > /data/a"))
                .executor(TestTasks.shell("cat /data/a"))
                .build();
        if (!supported(spec, ExecutorCapability.VOLUMES)) {
            return;
        }
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.COMPLETE, o);
        assertEquals(2, o.executors().size(), "executor results: " + o);
        for (int i = 0; i < 2; i++) {
            ExecutorResult r = o.executors().get(i);
            assertEquals(i, r.index(), "executor results out of order: " + o);
            assertEquals(0, r.exitCode().orElse(-1), "exit code of executor " + i + ": " + o);
            assertTrue(r.startTime().isPresent() && r.endTime().isPresent(), "times of executor " + i + ": " + o);
            assertFalse(
                    r.endTime().get().isBefore(r.startTime().get()),
                    "executor " + i + " ended before it started: " + o);
        }
        assertFalse(
                o.executors()
                        .get(1)
                        .startTime()
                        .get()
                        .isBefore(o.executors().get(0).endTime().get()),
                "executor 1 started before executor 0 ended: " + o);
        assertTrue(o.executors().get(1).stdout().contains("one"), "executor 1 did not see executor 0's file: " + o);
    }

    @Test
    public void aFailingExecutorStopsTheTask() {
        TaskSpec spec = task().executor(TestTasks.shell("exit 3"))
                .executor(TestTasks.shell("echo never"))
                .build();
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.EXECUTOR_ERROR, o);
        assertEquals(1, o.executors().size(), "the executor after the failing one ran: " + o);
        assertEquals(3, o.executors().get(0).exitCode().orElse(-1), "exit code: " + o);
    }

    @Test
    public void ignoreErrorLetsTheTaskContinue() {
        TaskSpec spec = task().executor(TestTasks.shell("echo first; exit 3").ignoreError())
                .executor(TestTasks.shell("echo after"))
                .build();
        if (!supported(spec, ExecutorCapability.IGNORE_ERROR)) {
            return;
        }
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.COMPLETE, o);
        assertEquals(2, o.executors().size(), "executor results: " + o);
        assertEquals(3, o.executors().get(0).exitCode().orElse(-1), "exit code of executor 0: " + o);
        assertEquals(0, o.executors().get(1).exitCode().orElse(-1), "exit code of executor 1: " + o);
        assertTrue(o.executors().get(1).stdout().contains("after"), "stdout of executor 1: " + o);
    }

    @Test
    public void envAndWorkdirAreHonoured() {
        TaskSpec spec = task().executor(TestTasks.shell("echo \"greeting=$GREETING\"; pwd")
                        .env("GREETING", "hello world")
                        .workdir("/work/dir"))
                .build();
        if (!supported(spec, ExecutorCapability.WORKDIR_AND_ENV)) {
            return;
        }
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.COMPLETE, o);
        String out = o.executors().get(0).stdout();
        assertTrue(out.contains("greeting=hello world"), "env not set: " + o);
        assertTrue(out.lines().anyMatch(l -> l.equals("/work/dir")), "workdir not used: " + o);
    }

    @Test
    public void streamsAreRedirectedToContainerFiles() {
        TaskSpec spec = task().volume(VOLUME)
                .executor(TestTasks.shell("echo hi; echo bad >&2")
                        .stdout("/data/out.txt")
                        .stderr("/data/err.txt"))
                .executor(TestTasks.shell("cat /data/out.txt; cat /data/err.txt"))
                .executor(TestTasks.executor("tr", "a-z", "A-Z").stdin("/data/out.txt"))
                .build();
        if (!supported(spec, ExecutorCapability.VOLUMES, ExecutorCapability.STREAM_REDIRECTION)) {
            return;
        }
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.COMPLETE, o);
        assertEquals(3, o.executors().size(), "executor results: " + o);
        String cat = o.executors().get(1).stdout();
        assertTrue(cat.contains("hi"), "stdout was not written to /data/out.txt: " + o);
        assertTrue(cat.contains("bad"), "stderr was not written to /data/err.txt: " + o);
        assertTrue(o.executors().get(2).stdout().contains("HI"), "stdin was not read from /data/out.txt: " + o);
    }

    @Test
    public void stdoutAndStderrTailsAreRecorded() {
        TaskSpec spec = task().executor(TestTasks.shell("echo to-stdout; echo to-stderr >&2"))
                .build();
        Observation o = awaitTerminal(submit(spec));
        assertPhase(Phase.COMPLETE, o);
        ExecutorResult r = o.executors().get(0);
        assertTrue(r.stdout().contains("to-stdout"), "stdout tail: " + o);
        if (has(ExecutorCapability.SEPARATE_LOG_STREAMS)) {
            assertTrue(r.stderr().contains("to-stderr"), "stderr tail: " + o);
            assertFalse(r.stdout().contains("to-stderr"), "stderr mixed into the stdout tail: " + o);
            assertFalse(r.stderr().contains("to-stdout"), "stdout mixed into the stderr tail: " + o);
        } else {
            // The documented behaviour without the capability: one stream, reported as stdout.
            assertTrue(r.stdout().contains("to-stderr"), "combined logs must carry stderr in stdout: " + o);
            assertEquals("", r.stderr(), "combined logs leave the stderr tail empty: " + o);
        }
    }

    @Test
    public void cancelStopsARunningTaskPromptly() {
        TaskSpec spec = task().executor(TestTasks.shell("sleep 60"))
                .executor(TestTasks.shell("echo never"))
                .build();
        TaskHandle h = submit(spec);
        awaitPhase(h, Phase.RUNNING);
        long start = System.nanoTime();
        backend().cancel(h);
        Eventually.await(
                Duration.ofSeconds(5),
                "task " + h.taskId() + " CANCELED within 5 s of cancel",
                () -> backend().observe(h).phase() == Phase.CANCELED);
        assertTrue(
                Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) <= 0,
                "cancel took longer than 5 s");
        Observation o = backend().observe(h);
        assertTrue(o.executors().stream().noneMatch(r -> r.index() == 1), "an executor started after cancel: " + o);
    }

    @Test
    public void cancelOfAnEndedTaskChangesNothing() {
        TaskHandle h = submit(task().executor(TestTasks.shell("echo done")).build());
        Observation before = awaitTerminal(h);
        assertPhase(Phase.COMPLETE, before);
        backend().cancel(h);
        backend().cancel(h);
        assertEquals(before, backend().observe(h), "cancel changed an ended task");
    }

    @Test
    public void cleanupIsIdempotent() {
        TaskHandle h = submit(task().executor(TestTasks.shell("true")).build());
        assertPhase(Phase.COMPLETE, awaitTerminal(h));
        backend().cleanup(h);
        backend().cleanup(h);
    }

    @Test
    public void submitIsIdempotentByTaskId() throws IOException {
        TaskSpec spec = task().volume(VOLUME)
                .executor(TestTasks.shell("echo ran >> /data/runs"))
                .executor(TestTasks.shell("cat /data/runs"))
                .build();
        if (!supported(spec, ExecutorCapability.VOLUMES)) {
            return;
        }
        TaskHandle first = submit(spec);
        TaskHandle second = submit(spec);
        assertEquals(first, second, "a second submit of the same task returned another handle");
        Observation o = awaitTerminal(first);
        assertPhase(Phase.COMPLETE, o);
        assertEquals("ran", o.executors().get(1).stdout().strip(), "the task ran more than once: " + o);
        assertEquals(first, submit(spec), "a submit after the task ended returned another handle");
        assertEquals(o, backend().observe(first), "a submit after the task ended ran it again");
        if (has(ExecutorCapability.SHARED_FILESYSTEM)) {
            assertEquals(
                    "ran\n",
                    Files.readString(withWorkspace(spec).hostPath("/data/runs"), StandardCharsets.UTF_8),
                    "the task ran more than once");
        }
    }

    @Test
    public void unknownHandlesAreUnknown() {
        TaskHandle known = submit(task().executor(TestTasks.shell("true")).build());
        TaskHandle unknown = new TaskHandle(TestTasks.newId(), known.backend(), "ergon-contract-no-such-task");
        assertEquals(Phase.UNKNOWN, backend().observe(unknown).phase(), "observe of an unknown handle");
        backend().cancel(unknown);
        backend().cleanup(unknown);
        assertEquals(Phase.UNKNOWN, backend().observe(unknown).phase(), "cancel or cleanup created the task");
    }

    @Test
    public void listenersAreToldAboutChanges() {
        Set<String> watched = ConcurrentHashMap.newKeySet();
        List<String> told = new CopyOnWriteArrayList<>();
        backend().addListener(id -> {
            if (watched.contains(id)) {
                told.add(id);
            }
        });
        TaskSpec spec = task().executor(TestTasks.shell("echo hi")).build();
        watched.add(spec.taskId());
        TaskHandle h = submit(spec);
        assertPhase(Phase.COMPLETE, awaitTerminal(h));
        if (has(ExecutorCapability.PUSHES_CHANGES)) {
            Eventually.await(timeout(), "the listener is told about task " + h.taskId(), () -> !told.isEmpty());
        }
    }

    @Test
    public void manyTasksRunInParallel() {
        int n = 20;
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(
                    submit(task().executor(TestTasks.shell("echo task-" + i)).build()));
        }
        for (int i = 0; i < n; i++) {
            Observation o = awaitTerminal(handles.get(i));
            assertPhase(Phase.COMPLETE, o);
            assertTrue(o.executors().get(0).stdout().contains("task-" + i), "stdout of task " + i + ": " + o);
        }
    }

    @Test
    public void aSharedFilesystemBackendNeedsTheWorkspace() {
        if (!has(ExecutorCapability.SHARED_FILESYSTEM)) {
            return; // a backend that stages by itself gets no workspace; every other test covers that
        }
        TaskSpec spec = TestTasks.task().executor(TestTasks.shell("true")).build();
        ErgonException e = assertRejected(spec);
        assertEquals("workspace", e.field().orElse(null), "field named by " + e);
    }

    // ---- helpers for subclasses ----

    /** A task builder; {@link #submit} adds the workspace a shared-filesystem backend needs. */
    protected TestTasks.TaskBuilder task() {
        return TestTasks.task();
    }

    /**
     * Submits {@code spec} (with a fresh workspace when the backend shares Ergon's file system) and
     * remembers the handle so the task is cancelled and cleaned up after the test.
     */
    protected TaskHandle submit(TaskSpec spec) {
        TaskHandle h = backend().submit(withWorkspace(spec));
        if (!submitted.contains(h)) {
            submitted.add(h);
        }
        return h;
    }

    /** {@code spec} with a workspace when the backend needs one; the same workspace for the same task id. */
    protected TaskSpec withWorkspace(TaskSpec spec) {
        if (!has(ExecutorCapability.SHARED_FILESYSTEM) || spec.workspace().isPresent()) {
            return spec;
        }
        Path ws = workspaces.resolve(spec.taskId());
        try {
            Files.createDirectories(ws);
        } catch (IOException e) {
            throw new AssertionError("cannot create workspace " + ws, e);
        }
        return spec.withWorkspace(ws);
    }

    /** Waits until the task is in a terminal phase and returns that observation. */
    protected Observation awaitTerminal(TaskHandle h) {
        return Eventually.get(timeout(), "task " + h.taskId() + " to end", () -> {
            Observation o = backend().observe(h);
            return o.phase().isTerminal() ? o : null;
        });
    }

    /** Waits until the task is in {@code phase}; fails at once if it ends in another phase. */
    protected Observation awaitPhase(TaskHandle h, Phase phase) {
        Observation o = Eventually.get(timeout(), "task " + h.taskId() + " in " + phase, () -> {
            Observation now = backend().observe(h);
            return now.phase() == phase || now.phase().isTerminal() ? now : null;
        });
        assertPhase(phase, o);
        return o;
    }

    protected static void assertPhase(Phase expected, Observation o) {
        assertEquals(expected, o.phase(), () -> "phase of " + o);
    }

    protected boolean has(ExecutorCapability c) {
        return backend().capabilities().contains(c);
    }

    /**
     * Whether the backend has every capability in {@code needed}. When it lacks one, checks that
     * {@code submit(spec)} fails with INVALID_INPUT naming a field of a missing capability (see
     * {@link #CAPABILITY_FIELDS}), and returns false so the test ends there.
     */
    protected boolean supported(TaskSpec spec, ExecutorCapability... needed) {
        List<ExecutorCapability> missing =
                Stream.of(needed).filter(c -> !has(c)).toList();
        if (missing.isEmpty()) {
            return true;
        }
        ErgonException e = assertRejected(withWorkspace(spec));
        String field = e.field().orElse("");
        assertTrue(
                missing.stream()
                        .map(CAPABILITY_FIELDS::get)
                        .anyMatch(p -> p != null && p.matcher(field).matches()),
                "the backend lacks " + missing + " and must name the field it cannot honour, got field '" + field
                        + "' in: " + e.getMessage());
        return false;
    }

    /** Asserts that {@code submit(spec)} fails with INVALID_INPUT; cancels the task if it was accepted. */
    protected ErgonException assertRejected(TaskSpec spec) {
        TaskHandle h;
        try {
            h = backend().submit(spec);
        } catch (ErgonException e) {
            assertEquals(ErrorKind.INVALID_INPUT, e.kind(), () -> "kind of " + e);
            assertTrue(e.field().isPresent(), () -> "the error names no field: " + e.getMessage());
            return e;
        }
        submitted.add(h);
        return fail("submit accepted task " + spec.taskId() + " that it must reject with INVALID_INPUT");
    }

    private static Map<ExecutorCapability, Pattern> capabilityFields() {
        Map<ExecutorCapability, Pattern> m = new EnumMap<>(ExecutorCapability.class);
        m.put(ExecutorCapability.VOLUMES, Pattern.compile("volumes(\\[\\d+])?"));
        m.put(ExecutorCapability.IGNORE_ERROR, Pattern.compile("executors\\[\\d+]\\.ignore_error"));
        m.put(ExecutorCapability.WORKDIR_AND_ENV, Pattern.compile("executors\\[\\d+]\\.(workdir|env)"));
        m.put(ExecutorCapability.STREAM_REDIRECTION, Pattern.compile("executors\\[\\d+]\\.(stdin|stdout|stderr)"));
        return Map.copyOf(m);
    }

    private static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover temporary folder must not fail the test.
                }
            });
        } catch (IOException e) {
            // Best effort, as above.
        }
    }
}
