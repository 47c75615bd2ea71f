package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** {@code snakemake}: Snakemake, jobs run locally, on Ergon TES or on Kubernetes. Stateless. */
public final class SnakemakeAdapterProvider implements LanguageAdapterProvider {
    @Override
    public String name() {
        return "snakemake";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return SnakemakeAdapterConfig.PROPERTIES;
    }

    @Override
    public LanguageAdapter create(ProviderContext context) {
        return new SnakemakeAdapter(SnakemakeAdapterConfig.from(context.config()));
    }
}
