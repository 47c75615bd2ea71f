package dev.ergon.events.redis;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.EventBusProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class RedisEventBusProviderDiscoveryTest extends ProviderDiscoveryContract<EventBusProvider> {
    @Override
    protected Class<EventBusProvider> spi() {
        return EventBusProvider.class;
    }

    @Override
    protected Class<? extends EventBusProvider> providerClass() {
        return RedisEventBusProvider.class;
    }

    @Override
    protected String expectedName() {
        return "redis";
    }

    @Override
    protected String nameOf(EventBusProvider provider) {
        return provider.name();
    }

    @Override
    protected List<ConfigProperty> configPropertiesOf(EventBusProvider provider) {
        return provider.configProperties();
    }
}
