package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.events.redis.RedisEventBus;
import dev.ergon.events.redis.TestRedis;
import dev.ergon.spi.Event;
import dev.ergon.testkit.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in its filer role as a job-per-phase container runs it: {@code java -jar
 * ergon-server.jar --role stage-in} with its settings only in the environment (as the Job manifest
 * passes them: {@code ERGON_STAGING_SPEC}, {@code ERGON_PHASE_EVENT}, {@code ERGON_EVENTS=redis},
 * {@code ERGON_EVENTS_REDIS_URL}, {@code ERGON_EVENTS_REDIS_CHANNEL}). With a real Redis the phase
 * event reaches a subscriber of that channel; with Redis down the container still exits 0, soon.
 */
class FilerRoleProcessIT {
    private static final String TOPIC = "executor-kubernetes-phase";

    @TempDir
    Path tmp;

    private record Exit(int code, String output, Duration took) {}

    private Exit stageIn(String taskId, Map<String, String> env) throws IOException, InterruptedException {
        String jar = System.getProperty("ergon.server.jar");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-jar", jar, "--role", "stage-in"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path log = tmp.resolve("filer-" + System.nanoTime() + ".log");
        pb.redirectOutput(log.toFile());
        pb.environment()
                .put(
                        "ERGON_STAGING_SPEC",
                        """
                        {"version": 1, "role": "stage-in", "taskId": "%s", "root": "%s", "folders": ["/data"],
                         "inputs": [{"path": "/data/in.txt", "type": "FILE", "content": "hi"}]}"""
                                .formatted(taskId, tmp.resolve("work")));
        pb.environment().put("ERGON_PHASE_EVENT", new Event(TOPIC, taskId, "succeeded", "0").encode());
        pb.environment().putAll(env);
        long t = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the filer role hung; log: " + Files.readString(log));
        }
        return new Exit(
                p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t));
    }

    @Test
    void theStageInContainerPublishesItsPhaseOnRedis() throws Exception {
        String channel = "ergon-it-" + UUID.randomUUID();
        String taskId = "t-" + UUID.randomUUID();
        List<Event> got = new CopyOnWriteArrayList<>();
        try (RedisEventBus server = new RedisEventBus(TestRedis.url(), channel, Duration.ofSeconds(2));
                var subscription = server.subscribe(TOPIC, got::add)) {
            Eventually.await(Duration.ofSeconds(10), "the subscription", server::subscribed);
            Exit e = stageIn(
                    taskId,
                    Map.of(
                            "ERGON_EVENTS",
                            "redis",
                            "ERGON_EVENTS_REDIS_URL",
                            TestRedis.url(),
                            "ERGON_EVENTS_REDIS_CHANNEL",
                            channel));
            assertEquals(0, e.code(), e.output());
            assertEquals("hi", Files.readString(tmp.resolve("work/data/in.txt")));
            Eventually.await(Duration.ofSeconds(10), "the phase event", () -> !got.isEmpty());
            assertEquals(new Event(TOPIC, taskId, "succeeded", "0"), got.get(0));
            assertTrue(e.output().contains("phase event published"), e.output());
        }
    }

    @Test
    void withRedisDownTheContainerStillSucceedsAndSaysSoOnce() throws Exception {
        Exit e = stageIn(
                "t-" + UUID.randomUUID(),
                Map.of("ERGON_EVENTS", "redis", "ERGON_EVENTS_REDIS_URL", TestRedis.closedUrl()));
        assertEquals(0, e.code(), e.output());
        assertEquals(
                1,
                e.output()
                        .lines()
                        .filter(l -> l.contains("phase event not published"))
                        .count(),
                e.output());
        // JVM start-up plus at most the 5 s publish deadline; far below the 90 s hang guard.
        assertTrue(e.took().compareTo(Duration.ofSeconds(60)) < 0, "took " + e.took());
    }

    @Test
    void withoutAnEventBusConfiguredNothingIsPublished() throws Exception {
        Exit e = stageIn("t-" + UUID.randomUUID(), Map.of());
        assertEquals(0, e.code(), e.output());
        assertTrue(!e.output().contains("phase event"), e.output());
    }
}
