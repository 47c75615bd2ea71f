package dev.ergon.state;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.EventBusProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;
import javax.sql.DataSource;

/** {@code ergon.events=postgres} (the default): LISTEN/NOTIFY on Ergon's own database. */
public final class PostgresEventBusProvider implements EventBusProvider {
    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of();
    }

    @Override
    public EventBus create(ProviderContext context) {
        DataSource ds = context.service(DataSource.class)
                .orElseThrow(() -> new ErgonException(
                        ErrorKind.INVALID_INPUT, "ergon.events", "ergon.events=postgres needs Ergon's database", null));
        return new PostgresEventBus(ds);
    }
}
