package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.testkit.InMemoryEventBus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage-in/stage-out roles of the Kubernetes Pod, run as the contract in executor-kubernetes says. */
class FilerRoleTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String role, String json) {
        return FilerRole.run(
                role,
                json,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void stageInCreatesFoldersAndPlacesInputs() throws Exception {
        Path src = Files.writeString(tmp.resolve("ref.txt"), "reference");
        Path root = tmp.resolve("work");
        String spec =
                """
                {"version": 1, "role": "stage-in", "taskId": "t1", "root": "%s",
                 "folders": ["/data", "/scratch/wd"],
                 "inputs": [{"path": "/data/ref.txt", "type": "FILE", "url": "%s"},
                            {"path": "/data/in.txt", "type": "FILE", "content": "hello\\n"}],
                 "unknownKey": true}"""
                        .formatted(root, src.toUri());
        assertEquals(0, run("stage-in", spec), err.toString());
        assertEquals("reference", Files.readString(root.resolve("data/ref.txt")));
        assertEquals("hello\n", Files.readString(root.resolve("data/in.txt")));
        assertTrue(Files.isDirectory(root.resolve("scratch/wd")));
    }

    @Test
    void stageOutUploadsOutputs() throws Exception {
        Path root = tmp.resolve("work");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/out.txt"), "result");
        Files.writeString(root.resolve("data/a.vcf"), "a");
        Path dest = tmp.resolve("dest");
        String spec =
                """
                {"version": 1, "role": "stage-out", "taskId": "t2", "root": "%s",
                 "outputs": [{"path": "/data/out.txt", "type": "FILE", "url": "%s"},
                             {"path": "/data/*.vcf", "type": "FILE", "url": "%s", "pathPrefix": "/data/"}]}"""
                        .formatted(
                                root,
                                dest.resolve("out.txt").toUri(),
                                dest.resolve("vcf").toUri());
        assertEquals(0, run("stage-out", spec), err.toString());
        assertEquals("result", Files.readString(dest.resolve("out.txt")));
        assertEquals("a", Files.readString(dest.resolve("vcf/a.vcf")));
        assertTrue(out.toString().contains("/data/out.txt"), out.toString());
    }

    @Test
    void failuresSayWhyAndExitNonZero() {
        assertEquals(2, run("stage-in", "{\"version\": 2, \"role\": \"stage-in\", \"root\": \"/x\"}"));
        assertTrue(err.toString().contains("version 2"), err.toString());
        assertEquals(2, run("stage-out", "{\"version\": 1, \"role\": \"stage-in\", \"root\": \"/x\"}"));
        assertEquals(2, run("stage-in", "not json"));
        String missing =
                """
                {"version": 1, "role": "stage-in", "root": "%s",
                 "inputs": [{"path": "/data/x", "type": "FILE", "url": "file:///nonexistent/ergon/x"}]}"""
                        .formatted(tmp.resolve("w"));
        assertEquals(1, run("stage-in", missing));
        assertTrue(err.toString().contains("/nonexistent/ergon/x"), err.toString());
    }

    // ---- the phase event (strategy job-per-phase) ----

    private static final Event PHASE = new Event("executor-kubernetes-phase", "t9", "succeeded", "0");

    private String stageInSpec() {
        return """
                {"version": 1, "role": "stage-in", "taskId": "t9", "root": "%s", "folders": ["/data"],
                 "inputs": [{"path": "/data/in.txt", "type": "FILE", "content": "x"}]}"""
                .formatted(tmp.resolve("w9"));
    }

    private int run(String role, String json, Optional<String> phaseEvent, FilerRole.BusOpener buses) {
        return FilerRole.run(
                role,
                json,
                phaseEvent,
                buses,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSucceededPhasePublishesItsEventOnTheConfiguredBus() {
        InMemoryEventBus bus = new InMemoryEventBus();
        List<Event> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PHASE.topic(), got::add);
        assertEquals(0, run("stage-in", stageInSpec(), Optional.of(PHASE.encode()), () -> Optional.of(bus)));
        assertEquals(List.of(PHASE), got);
        assertTrue(out.toString().contains("phase event published"), out.toString());
    }

    @Test
    void nothingIsPublishedWithoutAnEventOrWithoutABusOrWhenStagingFailed() {
        AtomicInteger opened = new AtomicInteger();
        FilerRole.BusOpener counting = () -> {
            opened.incrementAndGet();
            return Optional.empty();
        };
        assertEquals(0, run("stage-in", stageInSpec(), Optional.empty(), counting));
        assertEquals(0, run("stage-in", stageInSpec(), Optional.of(" "), counting));
        assertEquals(0, opened.get(), "no ERGON_PHASE_EVENT: the bus is not even opened");
        assertEquals(0, run("stage-in", stageInSpec(), Optional.of(PHASE.encode()), counting));
        assertEquals(1, opened.get());
        assertEquals("", err.toString(), "no bus configured is not an error");
        InMemoryEventBus bus = new InMemoryEventBus();
        List<Event> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PHASE.topic(), got::add);
        String failing =
                """
                {"version": 1, "role": "stage-in", "root": "%s",
                 "inputs": [{"path": "/data/x", "type": "FILE", "url": "file:///nonexistent/ergon/x"}]}"""
                        .formatted(tmp.resolve("w"));
        assertEquals(1, run("stage-in", failing, Optional.of(PHASE.encode()), () -> Optional.of(bus)));
        assertTrue(got.isEmpty(), "a failed phase must not announce success: " + got);
    }

    @Test
    void aBusThatFailsOrHangsNeverFailsThePhase() {
        FilerRole.BusOpener broken = () -> {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "cannot publish to Redis: refused");
        };
        assertEquals(0, run("stage-in", stageInSpec(), Optional.of(PHASE.encode()), broken));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("refused"), err.toString());

        err.reset();
        assertEquals(0, run("stage-in", stageInSpec(), Optional.of("junk"), () -> Optional.of(new InMemoryEventBus())));
        assertTrue(err.toString().contains("not an encoded event"), err.toString());

        err.reset();
        CountDownLatch never = new CountDownLatch(1);
        FilerRole.BusOpener hanging = () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        };
        long t = System.nanoTime();
        FilerRole.publishPhaseEvent(
                "stage-out",
                PHASE.encode(),
                hanging,
                Duration.ofMillis(300),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(System.nanoTime() - t < Duration.ofSeconds(5).toNanos(), "the deadline did not hold");
        assertTrue(err.toString().contains("no answer within 300 ms"), err.toString());
        never.countDown();
    }
}
