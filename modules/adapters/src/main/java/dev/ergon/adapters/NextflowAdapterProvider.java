package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** {@code nextflow}: Nextflow DSL2 from its jars, processes run locally, on Ergon TES or on Kubernetes. Stateless. */
public final class NextflowAdapterProvider implements LanguageAdapterProvider {
    @Override
    public String name() {
        return "nextflow";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return NextflowAdapterConfig.PROPERTIES;
    }

    @Override
    public LanguageAdapter create(ProviderContext context) {
        return new NextflowAdapter(NextflowAdapterConfig.from(context.config()));
    }
}
