/** Optional Redis pub/sub event bus ({@code ergon.events=redis}), on the Vert.x Redis client. */
module dev.ergon.events.redis {
    requires dev.ergon.spi;
    requires io.vertx.core;
    requires io.vertx.redis.client;

    exports dev.ergon.events.redis;

    provides dev.ergon.spi.EventBusProvider with
            dev.ergon.events.redis.RedisEventBusProvider;
}
