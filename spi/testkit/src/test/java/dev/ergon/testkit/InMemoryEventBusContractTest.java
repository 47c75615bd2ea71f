package dev.ergon.testkit;

import dev.ergon.spi.EventBus;

/** The reference bus passes its own contract; both "buses" are the same in-memory bus. */
class InMemoryEventBusContractTest extends EventBusContract {
    private final InMemoryEventBus shared = new InMemoryEventBus();

    @Override
    protected EventBus createBus() {
        return shared;
    }
}
