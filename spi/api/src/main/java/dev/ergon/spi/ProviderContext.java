package dev.ergon.spi;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * What Ergon hands a provider when it creates its backend: its settings and a few shared
 * services. Implementations are supplied by Ergon (or by the testkit in tests).
 */
public interface ProviderContext {
    /** The provider's settings, the keys under {@code ergon.<spi>.<name>.}. */
    ProviderConfig config();

    /** A folder this provider may keep files in (created by Ergon, persistent across restarts). */
    Path dataDir();

    /** The clock to use for timestamps (a test clock in tests). */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * A shared service of the hosting process, e.g. {@code javax.sql.DataSource} for an event bus
     * that uses the database. Empty when the host has none of that type.
     */
    default <T> Optional<T> service(Class<T> type) {
        return Optional.empty();
    }
}
