package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.events.redis.RedisEventBus;
import dev.ergon.events.redis.TestRedis;
import dev.ergon.spi.Event;
import dev.ergon.testkit.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filer role's phase event on a real Redis, with the bus chosen from config as in a Pod
 * ({@code ERGON_EVENTS=redis}, {@code ERGON_EVENTS_REDIS_URL}): it arrives at a subscriber of the
 * server's channel; with Redis down the phase still succeeds, promptly.
 */
class FilerRoleRedisIT {
    private static final String TOPIC = "executor-kubernetes-phase";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String taskId, Config config) {
        String spec =
                """
                {"version": 1, "role": "stage-in", "taskId": "%s", "root": "%s", "folders": ["/data"],
                 "inputs": [{"path": "/data/in.txt", "type": "FILE", "content": "hi"}]}"""
                        .formatted(taskId, tmp.resolve("work"));
        return FilerRole.run(
                "stage-in",
                spec,
                Optional.of(new Event(TOPIC, taskId, "succeeded", "0").encode()),
                () -> FilerRole.configuredBus(config),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Config config(Map<String, String> values) {
        ConfigSource source = new ConfigSource() {
            @Override
            public Set<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public String getValue(String key) {
                return values.get(key);
            }

            @Override
            public String getName() {
                return "test";
            }
        };
        return ConfigProviderResolver.instance()
                .getBuilder()
                .withSources(source)
                .build();
    }

    @Test
    void theSucceededPhaseIsPublishedOnTheServersChannel() {
        String channel = "ergon-it-" + UUID.randomUUID();
        String taskId = "t-" + UUID.randomUUID();
        List<Event> got = new CopyOnWriteArrayList<>();
        try (RedisEventBus server = new RedisEventBus(TestRedis.url(), channel, Duration.ofSeconds(2));
                var s = server.subscribe(TOPIC, got::add)) {
            Eventually.await(Duration.ofSeconds(10), "the server's subscription", server::subscribed);
            int rc = run(
                    taskId,
                    config(Map.of(
                            "ergon.events",
                            "redis",
                            "ergon.events.redis.url",
                            TestRedis.url(),
                            "ergon.events.redis.channel",
                            channel)));
            assertEquals(0, rc, err.toString());
            Eventually.await(Duration.ofSeconds(10), "the phase event", () -> !got.isEmpty());
            assertEquals(new Event(TOPIC, taskId, "succeeded", "0"), got.get(0));
            assertTrue(out.toString().contains("phase event published"), out.toString());
        }
    }

    @Test
    void withRedisDownThePhaseStillSucceedsPromptlyAndSaysSoOnce() {
        long t = System.nanoTime();
        int rc = run(
                "t-" + UUID.randomUUID(),
                config(Map.of(
                        "ergon.events", "redis",
                        "ergon.events.redis.url", TestRedis.closedUrl(),
                        "ergon.events.redis.timeout", "1s")));
        Duration took = Duration.ofNanos(System.nanoTime() - t);
        assertEquals(0, rc, err.toString());
        assertTrue(took.compareTo(FilerRole.PHASE_EVENT_DEADLINE.plusSeconds(3)) < 0, "took " + took);
        String e = err.toString();
        assertEquals(
                1,
                e.lines().filter(l -> l.contains("phase event not published")).count(),
                e);
        assertTrue(out.toString().contains("1 input(s) staged"), out.toString());
    }

    @Test
    void noBusOrTheDatabaseBusMeansNothingToPublish() {
        assertTrue(FilerRole.configuredBus(config(Map.of())).isEmpty());
        assertTrue(FilerRole.configuredBus(config(Map.of("ergon.events", "postgres")))
                .isEmpty());
        int rc = run("t-" + UUID.randomUUID(), config(Map.of("ergon.events", "postgres")));
        assertEquals(0, rc, err.toString());
        assertEquals("", err.toString());
    }
}
