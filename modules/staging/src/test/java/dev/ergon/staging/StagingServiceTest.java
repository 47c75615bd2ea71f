package dev.ergon.staging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.FileType;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.InMemoryFiler;
import dev.ergon.testkit.TestTasks;
import dev.ergon.testkit.TestTasks.TaskBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingServiceTest {
    @TempDir
    Path tmp;

    private final InMemoryFiler mem = new InMemoryFiler("mem");
    private final InMemoryFiler readOnly = new InMemoryFiler("ro", EnumSet.of(FilerCapability.READ));
    private final FlakyFiler flaky = new FlakyFiler();
    private final SlowFiler slow = new SlowFiler();
    private final StagingService staging =
            new StagingService(new Filers(List.of(new FileFiler(), mem, readOnly, flaky, slow)), 4);

    @AfterEach
    void close() {
        staging.close();
    }

    private static TaskBuilder task() {
        return TestTasks.task().executor(TestTasks.shell("true"));
    }

    private Path workspace() {
        return tmp.resolve("ws");
    }

    // ---- stage-in ----

    @Test
    void stagesInContentFilesAndDirectories() throws IOException {
        Path ref =
                Files.writeString(Files.createDirectories(tmp.resolve("store")).resolve("ref.fa"), ">chr1\nACGT\n");
        mem.put(URI.create("mem://bucket/reads/r1.fq"), "read1".getBytes(UTF_8));
        mem.put(URI.create("mem://bucket/reads/lane%202/r2.fq"), "read2".getBytes(UTF_8));
        mem.put(URI.create("mem://bucket/reads2/not-me.fq"), "sibling".getBytes(UTF_8));
        mem.put(URI.create("mem://bucket/single.txt"), "single".getBytes(UTF_8));
        TaskSpec spec = task().content("hello ☺", "/inputs/greeting.txt")
                .input(ref.toUri().toString(), "/data/ref.fa")
                .input(ref.toString(), "/data/bare-path.fa")
                .input("mem://bucket/single.txt", "/data/single.txt")
                .directoryInput("mem://bucket/reads/", "/data/reads")
                .build();

        staging.stageIn(spec, workspace());

        Path ws = workspace();
        assertEquals("hello ☺", Files.readString(ws.resolve("inputs/greeting.txt")));
        assertEquals(">chr1\nACGT\n", Files.readString(ws.resolve("data/ref.fa")));
        assertEquals(">chr1\nACGT\n", Files.readString(ws.resolve("data/bare-path.fa")));
        assertEquals("single", Files.readString(ws.resolve("data/single.txt")));
        assertEquals("read1", Files.readString(ws.resolve("data/reads/r1.fq")));
        assertEquals("read2", Files.readString(ws.resolve("data/reads/lane 2/r2.fq")));
        assertFalse(Files.exists(ws.resolve("data/reads/not-me.fq")));
        assertFalse(Files.exists(ws.resolve("data/not-me.fq")));
    }

    @Test
    void anEmptyDirectoryInputIsAnEmptyFolder() {
        staging.stageIn(
                task().directoryInput("mem://bucket/empty", "/data/empty").build(), workspace());
        assertTrue(Files.isDirectory(workspace().resolve("data/empty")));
    }

    // ---- stage-out ----

    @Test
    void stagesOutAFileADirectoryAndWildcardMatches() throws IOException {
        Path ws = workspace();
        write(ws, "out/result.txt", "result");
        write(ws, "out/dir/a.txt", "a");
        write(ws, "out/dir/sub/b c.txt", "bc");
        write(ws, "out/logs/1.log", "one");
        write(ws, "out/logs/2.log", "two!");
        write(ws, "out/logs/skip.txt", "not a log");
        Path store = tmp.resolve("results");
        TaskSpec spec = task().output("/out/result.txt", "mem://bucket/results/result.txt")
                .output(
                        "/out/result.txt",
                        store.resolve("copy/result.txt").toUri().toString())
                .directoryOutput("/out/dir", "mem://bucket/results/dir/")
                .wildcardOutput("/out/logs/*.log", "/out/", "mem://bucket/results/wild")
                .build();

        List<OutputFileLog> logs = staging.stageOut(spec, ws);

        assertEquals(
                List.of(
                        new OutputFileLog("mem://bucket/results/result.txt", "/out/result.txt", 6),
                        new OutputFileLog(
                                store.resolve("copy/result.txt").toUri().toString(), "/out/result.txt", 6),
                        new OutputFileLog("mem://bucket/results/dir/a.txt", "/out/dir/a.txt", 1),
                        new OutputFileLog("mem://bucket/results/dir/sub/b%20c.txt", "/out/dir/sub/b c.txt", 2),
                        new OutputFileLog("mem://bucket/results/wild/logs/1.log", "/out/logs/1.log", 3),
                        new OutputFileLog("mem://bucket/results/wild/logs/2.log", "/out/logs/2.log", 4)),
                logs);
        assertEquals(
                Set.of(
                        "mem://bucket/results/result.txt",
                        "mem://bucket/results/dir/a.txt",
                        "mem://bucket/results/dir/sub/b%20c.txt",
                        "mem://bucket/results/wild/logs/1.log",
                        "mem://bucket/results/wild/logs/2.log"),
                mem.urls());
        assertEquals(
                "bc",
                new String(
                        mem.get(URI.create("mem://bucket/results/dir/sub/b%20c.txt"))
                                .orElseThrow(),
                        UTF_8));
        assertEquals(
                "two!",
                new String(
                        mem.get(URI.create("mem://bucket/results/wild/logs/2.log"))
                                .orElseThrow(),
                        UTF_8));
        assertEquals("result", Files.readString(store.resolve("copy/result.txt")));
    }

    @Test
    void aWildcardMatchingAFolderUploadsItsFilesAndNoMatchIsNotAnError() throws IOException {
        write(workspace(), "work/run-1/out.txt", "1");
        write(workspace(), "work/run-2/deep/out.txt", "2");
        TaskSpec spec = task().wildcardOutput("/work/run-*", "/work", "mem://b/runs/")
                .wildcardOutput("/work/*.bam", "/work/", "mem://b/bams")
                .build();
        List<OutputFileLog> logs = staging.stageOut(spec, workspace());
        assertEquals(
                List.of(
                        new OutputFileLog("mem://b/runs/run-1/out.txt", "/work/run-1/out.txt", 1),
                        new OutputFileLog("mem://b/runs/run-2/deep/out.txt", "/work/run-2/deep/out.txt", 1)),
                logs);
    }

    @Test
    void aMissingFileOutputIsNotFoundNamingItsPath() {
        TaskSpec spec = task().output("/out/missing.txt", "mem://bucket/x").build();
        ErgonException e = assertThrows(ErgonException.class, () -> staging.stageOut(spec, workspace()));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals("outputs[0].path", e.field().orElseThrow());
        assertTrue(e.getMessage().contains("/out/missing.txt"), e.getMessage());
    }

    @Test
    void outputsNeverFollowLinksOutOfTheWorkspace() throws IOException {
        Path secret = Files.writeString(tmp.resolve("host-secret.txt"), "secret");
        write(workspace(), "out/dir/ok.txt", "ok");
        Files.createSymbolicLink(workspace().resolve("out/dir/leak.txt"), secret);
        Files.createSymbolicLink(workspace().resolve("out/leak.txt"), secret);
        Files.createSymbolicLink(
                workspace().resolve("out/inside.txt"), workspace().resolve("out/dir/ok.txt"));

        ErgonException e = assertThrows(
                ErgonException.class,
                () -> staging.stageOut(
                        task().output("/out/leak.txt", "mem://b/leak").build(), workspace()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        List<OutputFileLog> logs = staging.stageOut(
                task().directoryOutput("/out/dir", "mem://b/dir")
                        .wildcardOutput("/out/*.txt", "/out/", "mem://b/wild")
                        .build(),
                workspace());
        assertEquals(
                List.of("mem://b/dir/ok.txt", "mem://b/wild/inside.txt"),
                logs.stream().map(OutputFileLog::url).toList());
        assertEquals(Set.of("mem://b/dir/ok.txt", "mem://b/wild/inside.txt"), mem.urls());
    }

    // ---- validation ----

    @Test
    void validationNamesTheOffendingField() {
        expectInvalid(
                "inputs[0].content",
                spec(
                        List.of(new InputSpec(
                                Optional.empty(),
                                Optional.of("mem://b/x"),
                                "/data/x",
                                FileType.FILE,
                                Optional.of("both"),
                                false)),
                        List.of()));
        expectInvalid(
                "inputs[0].url",
                spec(
                        List.of(new InputSpec(
                                Optional.empty(), Optional.empty(), "/data/x", FileType.FILE, Optional.empty(), false)),
                        List.of()));
        expectInvalid(
                "inputs[0].type",
                spec(
                        List.of(new InputSpec(
                                Optional.empty(), Optional.empty(), "/d", FileType.DIRECTORY, Optional.of("x"), false)),
                        List.of()));
        expectInvalid("inputs[0].path", b -> b.content("x", "data/relative.txt"));
        expectInvalid("inputs[0].path", b -> b.content("x", "/data/../../etc/passwd"));
        expectInvalid("inputs[0].path", b -> b.content("x", "/"));
        expectInvalid("inputs[1].path", b -> b.content("x", "/data/x").content("y", "/data/./x"));
        expectInvalid("inputs[1].url", b -> b.content("x", "/a").input("s3://bucket/key", "/b"));
        expectInvalid("inputs[0].url", b -> b.input("not a url", "/a"));
        expectInvalid("inputs[0].url", b -> b.input("relative/path.txt", "/a"));
        expectInvalid("inputs[0].url", b -> b.directoryInput("ro://bucket/dir", "/a"));
        expectInvalid("outputs[0].url", b -> b.output("/out/x", "ro://bucket/x"));
        expectInvalid("outputs[0].url", b -> b.output("/out/x", "/no/scheme"));
        expectInvalid("outputs[0].path", b -> b.output("/out/../../x", "mem://b/x"));
        expectInvalid(
                "outputs[1].path_prefix",
                spec(
                        List.of(),
                        List.of(
                                new OutputSpec(
                                        Optional.empty(), "mem://b/x", "/out/x", Optional.empty(), FileType.FILE),
                                new OutputSpec(
                                        Optional.empty(), "mem://b/", "/out/*.txt", Optional.empty(), FileType.FILE))));
        expectInvalid("outputs[0].url", b -> b.directoryOutput("/out", "mem://b/dir?sig=1"));
        expectInvalid("outputs[0].path_prefix", b -> b.wildcardOutput("/out/*.txt", "/elsewhere/", "mem://b/"));

        ErgonException e = expectInvalid("inputs[0].url", b -> b.input("s3://bucket/key", "/in"));
        assertEquals(
                "inputs[0].url: no filer serves scheme 's3'; schemes served: file, flaky, mem, ro, slow",
                e.getMessage());
        // A valid task passes, and a read-only scheme is fine for a FILE input.
        staging.validate(task().input("ro://bucket/x", "/in/x")
                .wildcardOutput("/out/*.txt", "/out/", "mem://b/")
                .build());
    }

    private ErgonException expectInvalid(String field, Consumer<TaskBuilder> setup) {
        TaskBuilder b = task();
        setup.accept(b);
        return expectInvalid(field, b.build());
    }

    private ErgonException expectInvalid(String field, TaskSpec spec) {
        ErgonException e = assertThrows(ErgonException.class, () -> staging.validate(spec), field);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), e.getMessage());
        assertEquals(Optional.of(field), e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        // stage-in and stage-out validate their side before they transfer anything
        if (field.startsWith("inputs")) {
            assertEquals(
                    field,
                    assertThrows(ErgonException.class, () -> staging.stageIn(spec, workspace()))
                            .field()
                            .orElseThrow());
        } else {
            assertEquals(
                    field,
                    assertThrows(ErgonException.class, () -> staging.stageOut(spec, workspace()))
                            .field()
                            .orElseThrow());
        }
        return e;
    }

    // ---- retries and failures ----

    @Test
    void aTransientFailureIsRetried() throws IOException {
        flaky.store.put(URI.create("flaky://b/in.txt"), "made it".getBytes(UTF_8));
        flaky.failuresLeft.set(2);
        staging.stageIn(task().input("flaky://b/in.txt", "/in.txt").build(), workspace());
        assertEquals("made it", Files.readString(workspace().resolve("in.txt")));
        assertEquals(3, flaky.calls.get());

        write(workspace(), "out.txt", "out");
        flaky.failuresLeft.set(2);
        flaky.calls.set(0);
        List<OutputFileLog> logs =
                staging.stageOut(task().output("/out.txt", "flaky://b/out.txt").build(), workspace());
        assertEquals(List.of(new OutputFileLog("flaky://b/out.txt", "/out.txt", 3)), logs);
        assertEquals(3, flaky.calls.get());
    }

    @Test
    void aPersistentTransientFailureGivesUpAfterThreeRetries() {
        flaky.failuresLeft.set(100);
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> staging.stageIn(
                        task().input("flaky://user:hunter2@b/in.txt", "/in.txt").build(), workspace()));
        assertEquals(ErrorKind.BACKEND_UNAVAILABLE, e.kind());
        assertEquals(4, flaky.calls.get());
        assertTrue(
                e.getMessage().startsWith("inputs[0].url: cannot download 'flaky://***@b/in.txt' to /in.txt"),
                e.getMessage());
        assertTrue(e.getMessage().contains("gave up after 4 attempts"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aMissingInputFailsAtOnceNamingItsUrl() {
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> staging.stageIn(
                        task().input("flaky://bucket/missing.txt", "/in.txt").build(), workspace()));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(1, flaky.calls.get());
        assertEquals("inputs[0].url", e.field().orElseThrow());
        assertTrue(e.getMessage().contains("flaky://bucket/missing.txt"), e.getMessage());
        assertFalse(Files.exists(workspace().resolve("in.txt")));
    }

    @Test
    void theFirstFailureStopsTheTasksOtherTransfers() {
        TaskBuilder b = task().input("slow://b/0", "/in/0").input("mem://b/missing", "/in/missing");
        for (int i = 2; i < 10; i++) {
            b.input("slow://b/" + i, "/in/" + i);
        }
        long start = System.nanoTime();
        ErgonException e = assertThrows(ErgonException.class, () -> staging.stageIn(b.build(), workspace()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ErrorKind.NOT_FOUND, e.kind(), e.getMessage());
        assertEquals("inputs[1].url", e.field().orElseThrow());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "running transfers were not interrupted: " + took);
        assertTrue(slow.started.get() <= 3, "queued transfers started after the failure: " + slow.started.get());
        assertEquals(slow.started.get(), slow.interrupted.get());
    }

    // ---- large files ----

    @Test
    void aLargeFileIsStreamedBothWays() throws IOException {
        long size = 200L * 1024 * 1024;
        Path big = tmp.resolve("store/big.bin");
        Files.createDirectories(big.getParent());
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(size);
            f.seek(0);
            f.write("head".getBytes(UTF_8));
            f.seek(size / 2);
            f.write("middle".getBytes(UTF_8));
            f.seek(size - 4);
            f.write("tail".getBytes(UTF_8));
        }
        staging.stageIn(task().input(big.toUri().toString(), "/data/big.bin").build(), workspace());
        Path staged = workspace().resolve("data/big.bin");
        assertEquals(size, Files.size(staged));
        assertArrayEquals(slice(big, size / 2, 6), slice(staged, size / 2, 6));
        assertArrayEquals("tail".getBytes(UTF_8), slice(staged, size - 4, 4));

        Path back = tmp.resolve("store/back/big.bin");
        List<OutputFileLog> logs = staging.stageOut(
                task().output("/data/big.bin", back.toUri().toString()).build(), workspace());
        assertEquals(size, logs.get(0).sizeBytes());
        assertEquals(size, Files.size(back));
        assertArrayEquals("head".getBytes(UTF_8), slice(back, 0, 4));
    }

    private static byte[] slice(Path p, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    private static TaskSpec spec(List<InputSpec> inputs, List<OutputSpec> outputs) {
        return new TaskSpec(
                TestTasks.newId(),
                Optional.empty(),
                List.of(TestTasks.shell("true").build()),
                inputs,
                outputs,
                List.of(),
                ResourceSpec.none(),
                Map.of(),
                Optional.empty());
    }

    private static void write(Path ws, String relative, String content) throws IOException {
        Path p = ws.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** Fails with BACKEND_UNAVAILABLE while {@link #failuresLeft} is positive, then delegates. */
    private static final class FlakyFiler implements Filer {
        final InMemoryFiler store = new InMemoryFiler("flaky");
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Set<String> schemes() {
            return store.schemes();
        }

        @Override
        public Set<FilerCapability> capabilities() {
            return store.capabilities();
        }

        private void maybeFail(URI uri) {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, Urls.redact(uri) + ": connection reset");
            }
        }

        @Override
        public Optional<FileStat> stat(URI uri) {
            maybeFail(uri);
            return store.stat(uri);
        }

        @Override
        public long download(URI source, Path target) {
            maybeFail(source);
            return store.download(source, target);
        }

        @Override
        public long upload(Path source, URI target) {
            maybeFail(target);
            return store.upload(source, target);
        }

        @Override
        public List<FileStat> list(URI prefix) {
            maybeFail(prefix);
            return store.list(prefix);
        }
    }

    /** Downloads take 30 s unless interrupted. */
    private static final class SlowFiler implements Filer {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();

        @Override
        public Set<String> schemes() {
            return Set.of("slow");
        }

        @Override
        public Set<FilerCapability> capabilities() {
            return EnumSet.of(FilerCapability.READ);
        }

        @Override
        public Optional<FileStat> stat(URI uri) {
            return Optional.empty();
        }

        @Override
        public long download(URI source, Path target) {
            started.incrementAndGet();
            try {
                Thread.sleep(30_000);
                return 0;
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, source + ": interrupted");
            }
        }

        @Override
        public long upload(Path source, URI target) {
            throw new ErgonException(ErrorKind.INVALID_INPUT, target + ": read-only");
        }

        @Override
        public List<FileStat> list(URI prefix) {
            throw new ErgonException(ErrorKind.INVALID_INPUT, prefix + ": cannot list");
        }
    }
}
