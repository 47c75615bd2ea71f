package dev.ergon.events.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisEventBusTest {
    @Test
    void redisDownIsBackendUnavailableQuicklyAndNeverFatal() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisEventBus bus = new RedisEventBus("redis://127.0.0.1:" + port, "x", Duration.ofMillis(500))) {
            long t = System.nanoTime();
            ErgonException e =
                    assertThrows(ErgonException.class, () -> bus.publish(new Event("task", "a", "created", "")));
            assertEquals(ErrorKind.BACKEND_UNAVAILABLE, e.kind());
            assertTrue(System.nanoTime() - t < Duration.ofSeconds(5).toNanos(), "publish blocked too long");
            assertTrue(!bus.subscribed());
        }
    }

    @Test
    void thePasswordInTheUrlIsASecret() {
        assertTrue(new RedisEventBusProvider()
                .configProperties().stream().anyMatch(p -> p.key().equals("url") && p.secret()));
    }
}
