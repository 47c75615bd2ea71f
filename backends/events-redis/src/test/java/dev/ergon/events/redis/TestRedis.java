package dev.ergon.events.redis;

import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * One real Redis server per test JVM (embedded-redis ships the binary), on a free loopback port.
 * Shared with other modules' Redis tests through this module's test-jar.
 */
public final class TestRedis {
    private static RedisServer server;
    private static int port;

    private TestRedis() {}

    /** The server's URL, starting it on first use. */
    public static synchronized String url() {
        if (server == null) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try {
                server = RedisServer.newRedisServer()
                        .port(port)
                        .bind("127.0.0.1")
                        .build();
                server.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded Redis", e);
            }
            RedisServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.stop();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return "redis://127.0.0.1:" + port;
    }

    /** A Redis URL on a loopback port nothing listens on (Redis down). */
    public static String closedUrl() {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
