package dev.ergon.tes;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ProviderContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * A {@link ProviderContext} filled from MicroProfile Config: the keys a provider declares are
 * looked up one by one under its prefix, so environment variables
 * ({@code ERGON_EXECUTOR_LOCAL_MAX_CONCURRENT}) work as well as properties.
 */
final class ConfigProviderContext implements ProviderContext {
    private final ProviderConfig config;
    private final Path dataDir;
    private final Map<Class<?>, Object> services;

    ConfigProviderContext(
            Config c, String prefix, List<ConfigProperty> declared, Path dataDir, Map<Class<?>, Object> services) {
        Map<String, String> values = new HashMap<>();
        for (ConfigProperty p : declared) {
            c.getOptionalValue(prefix + p.key(), String.class).ifPresent(v -> values.put(p.key(), v));
        }
        // Keys set as properties but not declared still reach the provider (and can be reported).
        for (String name : c.getPropertyNames()) {
            if (name.startsWith(prefix) && !values.containsKey(name.substring(prefix.length()))) {
                c.getOptionalValue(name, String.class).ifPresent(v -> values.put(name.substring(prefix.length()), v));
            }
        }
        this.config = ProviderConfig.of(prefix, values);
        this.dataDir = dataDir;
        this.services = services;
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
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }
}
