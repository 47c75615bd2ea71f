package dev.ergon.events.redis;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.EventBusProvider;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ProviderContext;
import java.time.Duration;
import java.util.List;

/** {@code ergon.events=redis}: wake-ups over Redis pub/sub, settings under {@code ergon.events.redis.}. */
public final class RedisEventBusProvider implements EventBusProvider {
    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty(
                        "url",
                        ConfigProperty.Type.STRING,
                        java.util.Optional.of("redis://127.0.0.1:6379"),
                        false,
                        true,
                        "Redis connection string (redis://[:password@]host:port[/db]); treated as a secret."),
                ConfigProperty.optional(
                        "channel",
                        ConfigProperty.Type.STRING,
                        "ergon-events",
                        "The pub/sub channel all Ergon processes of one installation share."),
                ConfigProperty.optional(
                        "timeout",
                        ConfigProperty.Type.DURATION,
                        "2s",
                        "How long a publish may take before it is given up (the poll then carries the change)."));
    }

    @Override
    public EventBus create(ProviderContext context) {
        ProviderConfig c = context.config();
        return new RedisEventBus(
                c.getString("url", "redis://127.0.0.1:6379"),
                c.getString("channel", "ergon-events"),
                c.getDuration("timeout", Duration.ofSeconds(2)));
    }
}
