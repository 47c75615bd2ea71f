package dev.ergon.testkit;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link ProviderContext} for tests: given settings, a data folder, a clock and services. */
public final class TestProviderContext implements ProviderContext {
    private final ProviderConfig config;
    private final Path dataDir;
    private final Clock clock;
    private final Map<Class<?>, Object> services = new HashMap<>();

    public TestProviderContext(String prefix, Map<String, String> config, Path dataDir) {
        this(ProviderConfig.of(prefix, config), dataDir, Clock.systemUTC());
    }

    public TestProviderContext(ProviderConfig config, Path dataDir, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.dataDir = requireNonNull(dataDir, "dataDir is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Adds a shared service returned by {@link #service}. */
    public <T> TestProviderContext with(Class<T> type, T service) {
        services.put(type, service);
        return this;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }
}
