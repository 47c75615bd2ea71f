package dev.ergon.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.TestTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which folders a task's sandbox binds (golden plans; no process runs). */
class SandboxMountsTest {
    private static final List<String> READ_ONLY = List.of("/usr", "/etc", "/bin", "/proc", "/dev");
    private static final Path WS = Path.of("/ws");

    @Test
    void bindsTheFoldersOfInputsOutputsVolumesAndWorkdirsOnceEach() {
        TaskSpec spec = TestTasks.task()
                .input("s3://b/in.txt", "/inputs/in.txt")
                .input("s3://b/other.txt", "/inputs/nested/other.txt")
                .directoryInput("s3://b/ref", "/ref/genome")
                .output("/outputs/res/out.txt", "s3://b/out.txt")
                .directoryOutput("/outputs/dir", "s3://b/dir")
                .wildcardOutput("/results/run-*/x?.txt", "/results/", "s3://b/results/")
                .volume("/data")
                .volume("/data-2")
                .executor(TestTasks.shell("true").workdir("/data/work"))
                .executor(TestTasks.shell("true").workdir("/scratch/./w"))
                .workspace(WS)
                .build();
        assertEquals(
                List.of(
                        bind("/data"),
                        bind("/data-2"),
                        bind("/inputs"),
                        bind("/outputs/dir"),
                        bind("/outputs/res"),
                        bind("/ref/genome"),
                        bind("/results"),
                        bind("/scratch/w")),
                SandboxMounts.plan(spec, READ_ONLY));
    }

    @Test
    void aFileInputDirectlyInTheRootIsBoundAsAFile() {
        TaskSpec spec = TestTasks.task()
                .input("s3://b/in.txt", "/in.txt")
                .executor(TestTasks.shell("true"))
                .workspace(WS)
                .build();
        assertEquals(
                List.of(new SandboxMounts.Bind("/in.txt", WS.resolve("in.txt"), true)),
                SandboxMounts.plan(spec, READ_ONLY));
    }

    @Test
    void rejectsWhatTheSandboxCannotBind() {
        assertRejected("outputs[0].path", TestTasks.task().output("/out.txt", "s3://b/o"));
        assertRejected("outputs[0].path", TestTasks.task().wildcardOutput("/*.txt", "/", "s3://b/"));
        assertRejected("volumes[0]", TestTasks.task().volume("/"));
        assertRejected("volumes[0]", TestTasks.task().volume("/usr/local/data"));
        assertRejected("volumes[0]", TestTasks.task().volume("/proc"));
        assertRejected("inputs[0].path", TestTasks.task().input("s3://b/x", "/etc/app/x.conf"));
        assertRejected("inputs[0].path", TestTasks.task().input("s3://b/x", "/data/../../x"));
        assertRejected("inputs[0].path", TestTasks.task().input("s3://b/x", "relative/x"));
        assertRejected(
                "executors[0].stdout",
                TestTasks.task().volume("/data"),
                TestTasks.shell("true").stdout("/../out"));
        assertRejected(
                "executors[0].workdir",
                TestTasks.task(),
                TestTasks.shell("true").workdir("/bin/x"));
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> SandboxMounts.plan(
                        TestTasks.task().executor(TestTasks.shell("true")).build(), READ_ONLY));
        assertEquals(Optional.of("workspace"), e.field());
    }

    @Test
    void aFolderEqualToAReadOnlyOneMayReplaceIt() {
        TaskSpec spec = TestTasks.task()
                .volume("/etc")
                .executor(TestTasks.shell("true"))
                .workspace(WS)
                .build();
        assertEquals(List.of(bind("/etc")), SandboxMounts.plan(spec, READ_ONLY));
    }

    @Test
    void prepareCreatesNestedFoldersAndRefusesSymlinksOutOfTheWorkspace(@TempDir Path tmp) throws IOException {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        TaskSpec spec = TestTasks.task()
                .volume("/data")
                .executor(TestTasks.shell("true").workdir("/data/a/b"))
                .workspace(ws)
                .build();
        assertEquals(Optional.empty(), SandboxMounts.prepare(spec, READ_ONLY));
        assertTrue(Files.isDirectory(ws.resolve("data/a/b")));

        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
        Files.createSymbolicLink(ws2.resolve("data"), outside);
        TaskSpec escaping = TestTasks.task()
                .volume("/data")
                .executor(TestTasks.shell("true"))
                .workspace(ws2)
                .build();
        Optional<String> problem = SandboxMounts.prepare(escaping, READ_ONLY);
        assertTrue(problem.orElse("").contains("outside the task's workspace"), problem.toString());
    }

    private static SandboxMounts.Bind bind(String container) {
        return new SandboxMounts.Bind(container, WS.resolve(container.substring(1)), false);
    }

    private static void assertRejected(String field, TestTasks.TaskBuilder task) {
        assertRejected(field, task, TestTasks.shell("true"));
    }

    private static void assertRejected(String field, TestTasks.TaskBuilder task, TestTasks.ExecutorBuilder executor) {
        TaskSpec spec = task.executor(executor).workspace(WS).build();
        ErgonException e = assertThrows(ErgonException.class, () -> SandboxMounts.plan(spec, READ_ONLY), field);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals(Optional.of(field), e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }
}
