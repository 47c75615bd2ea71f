package dev.ergon.events.redis;

import dev.ergon.spi.EventBus;
import dev.ergon.testkit.EventBusContract;
import java.time.Duration;

/** Two buses on one real Redis hear each other, as two Ergon processes do. */
class RedisEventBusContractTest extends EventBusContract {
    @Override
    protected EventBus createBus() {
        return new RedisEventBus(TestRedis.url(), "ergon-test-events", Duration.ofSeconds(2));
    }
}
