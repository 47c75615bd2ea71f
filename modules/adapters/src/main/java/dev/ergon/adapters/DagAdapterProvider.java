package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** {@code dag}: Ergon's own DAG of TES tasks, run by Ergon. Stateless. */
public final class DagAdapterProvider implements LanguageAdapterProvider {
    @Override
    public String name() {
        return "dag";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return DagAdapterConfig.PROPERTIES;
    }

    @Override
    public LanguageAdapter create(ProviderContext context) {
        return new DagAdapter(DagAdapterConfig.from(context.config()));
    }
}
