package dev.ergon.state;

import dev.ergon.spi.EventBus;
import dev.ergon.testkit.EventBusContract;

/** LISTEN/NOTIFY passes the event bus contract: two buses on one real PostgreSQL hear each other. */
class PostgresEventBusContractTest extends EventBusContract {
    @Override
    protected EventBus createBus() {
        return new PostgresEventBus(SharedDatabase.get().dataSource());
    }
}
