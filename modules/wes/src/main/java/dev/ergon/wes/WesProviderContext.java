package dev.ergon.wes;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ProviderContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * A language adapter's {@link ProviderContext}: its declared keys under {@code ergon.adapter.<name>.}
 * looked up one by one (so environment variables work), plus any other key set under the prefix,
 * plus defaults WES supplies ({@code tes-url}: Ergon's own TES endpoint).
 */
final class WesProviderContext implements ProviderContext {
    private final ProviderConfig config;
    private final Path dataDir;

    WesProviderContext(
            Config c, String prefix, List<ConfigProperty> declared, Map<String, String> defaults, Path dataDir) {
        Map<String, String> values = new HashMap<>(defaults);
        for (ConfigProperty p : declared) {
            c.getOptionalValue(prefix + p.key(), String.class).ifPresent(v -> values.put(p.key(), v));
        }
        for (String name : c.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                c.getOptionalValue(name, String.class).ifPresent(v -> values.put(name.substring(prefix.length()), v));
            }
        }
        this.config = ProviderConfig.of(prefix, values);
        this.dataDir = dataDir;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }
}
