package dev.ergon.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.Eventually;
import dev.ergon.testkit.TestProviderContext;
import dev.ergon.testkit.TestTasks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local executor does beyond the contract: the sandbox, its folders, its queue and its kills. */
class LocalExecutorBackendTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final List<ExecutorBackend> backends = new ArrayList<>();
    private int workspaces;

    @AfterEach
    void closeBackends() {
        backends.forEach(ExecutorBackend::close);
    }

    @Test
    void tmpIsPrivateToTheSandbox() {
        ExecutorBackend b = backend(Map.of());
        String marker = "ergon-local-test-" + System.nanoTime();
        Observation o = run(
                b,
                task().executor(TestTasks.shell(
                        "echo secret > /tmp/" + marker + " && cat /tmp/" + marker + " && echo home=$HOME")));
        assertPhase(Phase.COMPLETE, o);
        assertTrue(o.executors().get(0).stdout().contains("secret"), o::toString);
        assertTrue(o.executors().get(0).stdout().contains("home=/tmp"), o::toString);
        assertFalse(Files.exists(Path.of("/tmp", marker)), "the sandbox wrote to the host's /tmp");
    }

    @Test
    void executorsGetTheirOwnPidNamespace() throws IOException {
        ExecutorBackend b = backend(Map.of());
        Observation o = run(b, task().executor(TestTasks.shell("tr '\\0' ' ' < /proc/1/cmdline; echo; echo pid=$$")));
        assertPhase(Phase.COMPLETE, o);
        List<String> lines = o.executors().get(0).stdout().lines().toList();
        String hostInit = Files.readString(Path.of("/proc/1/cmdline"), StandardCharsets.UTF_8)
                .replace('\0', ' ');
        assertFalse(lines.get(0).strip().equals(hostInit.strip()), "the sandbox sees the host's init: " + o);
        int pid = Integer.parseInt(lines.get(1).substring("pid=".length()));
        assertTrue(pid < 10, "the executor's shell has host-like pid " + pid + ": " + o);
    }

    @Test
    void usrIsReadOnly() {
        ExecutorBackend b = backend(Map.of());
        String marker = "ergon-local-test-" + System.nanoTime();
        Observation o = run(b, task().executor(TestTasks.shell("touch /usr/" + marker)));
        assertPhase(Phase.EXECUTOR_ERROR, o);
        assertTrue(o.executors().get(0).stderr().contains("Read-only file system"), o::toString);
        assertFalse(Files.exists(Path.of("/usr", marker)));
    }

    @Test
    void environmentHoldsOnlyWhatTheExecutorSets() {
        ExecutorBackend b = backend(Map.of());
        Observation o = run(b, task().executor(TestTasks.executor("env").env("FOO", "bar baz")));
        assertPhase(Phase.COMPLETE, o);
        Map<String, String> env = o.executors()
                .get(0)
                .stdout()
                .lines()
                .filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
        assertEquals(Bubblewrap.SANDBOX_PATH, env.get("PATH"));
        assertEquals("/tmp", env.get("HOME"));
        assertEquals("bar baz", env.get("FOO"));
        Set<String> allowed = Set.of("PATH", "HOME", "FOO", "PWD", "SHLVL", "_", "OLDPWD");
        for (String name : System.getenv().keySet()) {
            if (!allowed.contains(name)) {
                assertFalse(env.containsKey(name), "the host's " + name + " leaked into the sandbox: " + env);
            }
        }
    }

    @Test
    void containerPathsLiveInTheWorkspace() throws IOException {
        ExecutorBackend b = backend(Map.of());
        Path ws = newWorkspace();
        Files.createDirectories(ws.resolve("inputs"));
        Files.writeString(ws.resolve("inputs/in.txt"), "input-data\n");
        Files.writeString(ws.resolve("top.txt"), "top-data\n");
        Files.createDirectories(ws.resolve("refdata/dir/sub"));
        Files.writeString(ws.resolve("refdata/dir/sub/x"), "dir-data\n");
        TaskSpec spec = TestTasks.task()
                .input("file:///somewhere/in.txt", "/inputs/in.txt")
                .input("file:///somewhere/top.txt", "/top.txt")
                .directoryInput("file:///somewhere/dir", "/refdata/dir")
                .output("/outputs/res/out.txt", "file:///results/out.txt")
                .directoryOutput("/outputs/dir", "file:///results/dir")
                .wildcardOutput("/outputs/glob/*.txt", "/outputs/glob/", "file:///results/glob/")
                .volume("/data")
                .executor(TestTasks.shell("cat /inputs/in.txt > /outputs/res/out.txt"
                                + " && cat /refdata/dir/sub/x > /outputs/dir/copy"
                                + " && echo w > /outputs/glob/a.txt && cat /top.txt >> /outputs/glob/a.txt"
                                + " && touch made-here && pwd")
                        .workdir("/data/wd"))
                .workspace(ws)
                .build();
        Observation o = awaitTerminal(b, b.submit(spec));
        assertPhase(Phase.COMPLETE, o);
        assertEquals("/data/wd", o.executors().get(0).stdout().strip());
        assertEquals("input-data\n", Files.readString(ws.resolve("outputs/res/out.txt")));
        assertEquals("dir-data\n", Files.readString(ws.resolve("outputs/dir/copy")));
        assertEquals("w\ntop-data\n", Files.readString(ws.resolve("outputs/glob/a.txt")));
        assertTrue(Files.exists(ws.resolve("data/wd/made-here")), "the workdir is not the workspace's data/wd");
    }

    @Test
    void maxConcurrentQueuesTheRest() {
        ExecutorBackend b = backend(Map.of("max-concurrent", "1"));
        TaskHandle first = b.submit(task().executor(TestTasks.shell("sleep 30")).build());
        TaskHandle second =
                b.submit(task().executor(TestTasks.shell("echo second")).build());
        TaskHandle third = b.submit(task().executor(TestTasks.shell("sleep 30")).build());
        Eventually.await(
                TIMEOUT,
                "the first task's executor started",
                () -> b.observe(first).executors().size() == 1);
        assertPhase(Phase.RUNNING, b.observe(first));
        assertPhase(Phase.QUEUED, b.observe(second));
        assertPhase(Phase.QUEUED, b.observe(third));

        b.cancel(third);
        Observation canceled = b.observe(third);
        assertPhase(Phase.CANCELED, canceled);
        assertTrue(canceled.executors().isEmpty(), canceled::toString);
        assertPhase(Phase.QUEUED, b.observe(second));

        b.cancel(first);
        assertPhase(Phase.CANCELED, awaitTerminal(b, first));
        Observation o = awaitTerminal(b, second);
        assertPhase(Phase.COMPLETE, o);
        assertTrue(o.executors().get(0).stdout().contains("second"), o::toString);
        assertTrue(b.observe(third).executors().isEmpty(), "a task cancelled while queued ran");
    }

    @Test
    void aMissingBwrapIsReportedAndFailsTasks() {
        ExecutorBackend b = backend(Map.of("bwrap", "/nonexistent/bwrap"));
        String reason = b.unavailableReason().orElseThrow();
        assertTrue(reason.contains("bubblewrap (bwrap) not found"), reason);
        assertTrue(reason.contains("apt-get install bubblewrap"), reason);
        assertTrue(reason.contains("ergon.executor.local.bwrap"), reason);
        assertEquals("unavailable", b.info().get("sandbox"));
        Observation o = run(b, task().executor(TestTasks.shell("true")));
        assertPhase(Phase.SYSTEM_ERROR, o);
        assertTrue(o.executors().isEmpty(), o::toString);
        assertTrue(o.systemLogs().contains(reason), o::toString);
    }

    @Test
    void cancelKillsEveryProcessOfTheExecutor() {
        ExecutorBackend b = backend(Map.of("kill-grace", "5s"));
        String marker = uniqueSleep();
        TaskHandle h = b.submit(task().executor(TestTasks.shell("sleep " + marker + " & sleep " + marker + "; wait"))
                .executor(TestTasks.shell("echo never"))
                .build());
        Eventually.await(
                TIMEOUT, "two sleep processes run", () -> sleepers(marker).size() == 2);
        b.cancel(h);
        Observation o = awaitTerminal(b, h);
        assertPhase(Phase.CANCELED, o);
        assertEquals(1, o.executors().size(), o::toString);
        Eventually.await(Duration.ofSeconds(5), "no process of the task is left", () -> processesMentioning(marker)
                .isEmpty());
    }

    @Test
    void cancelEscalatesToSigkillAfterTheGrace() {
        ExecutorBackend b = backend(Map.of("kill-grace", "300ms"));
        String marker = uniqueSleep();
        TaskHandle h = b.submit(task().executor(TestTasks.shell("trap '' TERM; sleep " + marker + "; echo survived"))
                .build());
        Eventually.await(TIMEOUT, "the sleep runs", () -> sleepers(marker).size() == 1);
        b.cancel(h);
        Observation o = awaitTerminal(b, h);
        assertPhase(Phase.CANCELED, o);
        assertFalse(o.executors().get(0).stdout().contains("survived"), o::toString);
        Eventually.await(Duration.ofSeconds(5), "no process of the task is left", () -> processesMentioning(marker)
                .isEmpty());
    }

    @Test
    void closeKillsRunningTasksAndRefusesNewOnes() {
        ExecutorBackend b = backend(Map.of());
        String marker = uniqueSleep();
        b.submit(task().executor(TestTasks.shell("sleep " + marker)).build());
        Eventually.await(TIMEOUT, "the sleep runs", () -> sleepers(marker).size() == 1);
        b.close();
        Eventually.await(Duration.ofSeconds(5), "no process of the task is left", () -> processesMentioning(marker)
                .isEmpty());
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> b.submit(task().executor(TestTasks.shell("true")).build()));
        assertEquals(ErrorKind.BACKEND_UNAVAILABLE, e.kind());
    }

    @Test
    void logTailsAreBoundedAndRedirectedFilesComplete() throws IOException {
        ExecutorBackend b = backend(Map.of("log-tail-bytes", "100"));
        TaskSpec spec = task().volume("/data")
                .executor(TestTasks.executor("seq", "1", "20000"))
                .executor(TestTasks.executor("seq", "1", "20000").stdout("/data/seq.txt"))
                .build();
        Observation o = awaitTerminal(b, b.submit(spec));
        assertPhase(Phase.COMPLETE, o);
        for (ExecutorResult r : o.executors()) {
            assertTrue(r.stdout().getBytes(StandardCharsets.UTF_8).length <= 100, "tail too long: " + r);
            assertTrue(r.stdout().endsWith("19999\n20000\n"), "not the tail: " + r);
        }
        List<String> lines = Files.readAllLines(spec.hostPath("/data/seq.txt"));
        assertEquals(20000, lines.size());
        assertEquals("1", lines.get(0));
    }

    @Test
    void stdoutAndStderrToTheSameFileKeepBoth() throws IOException {
        ExecutorBackend b = backend(Map.of());
        TaskSpec spec = task().volume("/data")
                .executor(TestTasks.shell("echo out; echo err >&2; echo out2")
                        .stdout("/data/log")
                        .stderr("/data/log"))
                .build();
        assertPhase(Phase.COMPLETE, awaitTerminal(b, b.submit(spec)));
        assertEquals(List.of("out", "err", "out2"), Files.readAllLines(spec.hostPath("/data/log")));
    }

    @Test
    void aRedirectionThroughASymlinkIsRefused() throws IOException {
        ExecutorBackend b = backend(Map.of());
        Path victim = tmp.resolve("victim.txt");
        Files.writeString(victim, "untouched\n");
        TaskSpec spec = task().volume("/data")
                .executor(TestTasks.executor("ln", "-s", victim.toString(), "/data/out.txt"))
                .executor(TestTasks.shell("echo overwritten").stdout("/data/out.txt"))
                .build();
        Observation o = awaitTerminal(b, b.submit(spec));
        assertPhase(Phase.SYSTEM_ERROR, o);
        assertTrue(o.systemLogs().stream().anyMatch(l -> l.contains("symbolic link")), o::toString);
        assertEquals("untouched\n", Files.readString(victim));
    }

    @Test
    void anUnknownProgramFailsTheExecutor() {
        ExecutorBackend b = backend(Map.of());
        Observation o = run(b, task().executor(TestTasks.executor("ergon-no-such-program")));
        assertPhase(Phase.EXECUTOR_ERROR, o);
        assertTrue(o.executors().get(0).stderr().contains("ergon-no-such-program"), o::toString);
    }

    @Test
    void cleanupDeletesTheLogFolderButNotTheWorkspace() {
        ExecutorBackend b = backend(Map.of());
        TaskSpec spec = task().volume("/data")
                .executor(TestTasks.shell("echo kept > /data/f; echo log"))
                .build();
        TaskHandle h = b.submit(spec);
        assertPhase(Phase.COMPLETE, awaitTerminal(b, h));
        Path logs = tmp.resolve("data/local").resolve(spec.taskId());
        assertTrue(Files.isRegularFile(logs.resolve("exec-0.stdout")), "captured stdout missing in " + logs);
        b.cleanup(h);
        assertFalse(Files.exists(logs), "cleanup left " + logs);
        assertTrue(Files.isRegularFile(spec.hostPath("/data/f")), "cleanup deleted the workspace");
        assertPhase(Phase.UNKNOWN, b.observe(h));
    }

    @Test
    void listenersHearPhasesAndExecutors() {
        ExecutorBackend b = backend(Map.of());
        List<String> told = new CopyOnWriteArrayList<>();
        b.addListener(told::add);
        b.addListener(id -> {
            throw new IllegalStateException("a broken listener must not stop the task");
        });
        TaskSpec spec = task().executor(TestTasks.shell("true"))
                .executor(TestTasks.shell("true"))
                .build();
        assertPhase(Phase.COMPLETE, awaitTerminal(b, b.submit(spec)));
        // queued, running, 2 x (executor started, executor ended), complete
        Eventually.await(TIMEOUT, "7 notices", () -> told.size() >= 7);
        assertTrue(told.stream().allMatch(spec.taskId()::equals), told::toString);
    }

    @Test
    void infoAndCapabilities() {
        ExecutorBackend b = backend(Map.of("max-concurrent", "3"));
        assertTrue(b.info().get("sandbox").startsWith("bubblewrap"), b.info()::toString);
        assertEquals("3", b.info().get("max-concurrent"));
        assertFalse(b.capabilities().contains(ExecutorCapability.SURVIVES_RESTART));
        assertTrue(b.capabilities().contains(ExecutorCapability.SHARED_FILESYSTEM));
    }

    @Test
    void badSettingsNameTheKey() {
        for (Map.Entry<String, String> bad : Map.of(
                        "max-concurrent", "0",
                        "log-tail-bytes", "-1",
                        "kill-grace", "soon",
                        "ro-binds", "usr")
                .entrySet()) {
            ErgonException e = assertThrows(ErgonException.class, () -> backend(Map.of(bad.getKey(), bad.getValue())));
            assertEquals(ErrorKind.INVALID_INPUT, e.kind());
            assertEquals("ergon.executor.local." + bad.getKey(), e.field().orElse(null), e.getMessage());
        }
    }

    @Test
    void aFolderInsideAReadOnlyHostFolderIsRejectedAtSubmit() {
        ExecutorBackend b = backend(Map.of());
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> b.submit(task().volume("/usr/local/ergon-data")
                        .executor(TestTasks.shell("true"))
                        .build()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("volumes[0]", e.field().orElse(null));
    }

    @Test
    void anEmptyCommandIsRejectedAtSubmit() {
        ExecutorBackend b = backend(Map.of());
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> b.submit(task().executor(TestTasks.executor()).build()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("executors[0].command", e.field().orElse(null));
    }

    // ---- helpers ----

    private ExecutorBackend backend(Map<String, String> config) {
        Map<String, String> c = new HashMap<>(config);
        ExecutorBackend b = new LocalExecutorBackendProvider()
                .create(new TestProviderContext("ergon.executor.local.", c, tmp.resolve("data")));
        backends.add(b);
        return b;
    }

    /** A task builder with a fresh workspace. */
    private TestTasks.TaskBuilder task() {
        return TestTasks.task().workspace(newWorkspace());
    }

    private Path newWorkspace() {
        try {
            return Files.createDirectories(tmp.resolve("ws-" + workspaces++));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Observation run(ExecutorBackend b, TestTasks.TaskBuilder task) {
        return awaitTerminal(b, b.submit(task.build()));
    }

    private static Observation awaitTerminal(ExecutorBackend b, TaskHandle h) {
        return Eventually.get(TIMEOUT, "task " + h.taskId() + " to end", () -> {
            Observation o = b.observe(h);
            return o.phase().isTerminal() ? o : null;
        });
    }

    private static void assertPhase(Phase expected, Observation o) {
        assertEquals(expected, o.phase(), o::toString);
    }

    /** A sleep argument no other process on the machine uses, e.g. {@code 100.123456}. */
    private static String uniqueSleep() {
        return "100." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    /** The {@code sleep <marker>} processes. */
    private static List<ProcessHandle> sleepers(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> Arrays.asList(a).contains(marker))
                        .orElse(false))
                .toList();
    }

    /** Every process (bwrap, shell, sleeps) whose command line mentions {@code marker}. */
    private static List<ProcessHandle> processesMentioning(String marker) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }
}
