package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * The language adapters found by {@link ServiceLoader}, by provider name and by WES workflow type
 * (matched case-insensitively). Every adapter found is offered; settings under {@code
 * ergon.adapter.<name>.}. Immutable once built; thread-safe.
 */
final class Adapters {
    private static final Logger LOG = System.getLogger(Adapters.class.getName());

    private final Map<String, LanguageAdapter> byName;
    private final Map<String, String> nameByType;

    private Adapters(Map<String, LanguageAdapter> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        Map<String, String> types = new TreeMap<>();
        byName.forEach((n, a) -> types.put(a.workflowType().toUpperCase(Locale.ROOT), n));
        this.nameByType = Collections.unmodifiableMap(types);
    }

    static Adapters load(Config config, Path dataDir, String tesUrl) {
        Map<String, LanguageAdapter> found = new LinkedHashMap<>();
        for (LanguageAdapterProvider p : ServiceLoader.load(LanguageAdapterProvider.class)) {
            if (found.containsKey(p.name())) {
                continue;
            }
            Path dir = dataDir.resolve("providers").resolve("adapter-" + p.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
            }
            LanguageAdapter a = p.create(new WesProviderContext(
                    config, "ergon.adapter." + p.name() + ".", p.configProperties(), Map.of("tes-url", tesUrl), dir));
            LOG.log(
                    Level.INFO,
                    "Registering language adapter ''{0}'' for workflow type {1} {2} ({3})",
                    p.name(),
                    a.workflowType(),
                    a.workflowTypeVersions(),
                    p.getClass().getPackageName());
            found.put(p.name(), a);
        }
        return new Adapters(found);
    }

    /** For tests: the given adapters. */
    static Adapters of(Map<String, LanguageAdapter> byName) {
        return new Adapters(new LinkedHashMap<>(byName));
    }

    /** The adapter for {@code workflowType} (any case). @throws ErgonException INVALID_INPUT naming workflow_type */
    Map.Entry<String, LanguageAdapter> forType(String workflowType) {
        String name = nameByType.get(workflowType.trim().toUpperCase(Locale.ROOT));
        if (name == null) {
            throw ErgonException.invalid(
                    "workflow_type", "'" + workflowType + "' is not supported; supported: " + types().keySet());
        }
        return Map.entry(name, byName.get(name));
    }

    Optional<LanguageAdapter> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** workflow type → accepted versions. */
    Map<String, List<String>> types() {
        Map<String, List<String>> out = new TreeMap<>();
        byName.values().forEach(a -> out.put(a.workflowType(), a.workflowTypeVersions()));
        return out;
    }
}
