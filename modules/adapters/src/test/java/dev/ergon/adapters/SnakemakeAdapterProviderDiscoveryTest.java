package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class SnakemakeAdapterProviderDiscoveryTest extends ProviderDiscoveryContract<LanguageAdapterProvider> {
    @Override
    protected Class<LanguageAdapterProvider> spi() {
        return LanguageAdapterProvider.class;
    }

    @Override
    protected Class<? extends LanguageAdapterProvider> providerClass() {
        return SnakemakeAdapterProvider.class;
    }

    @Override
    protected String expectedName() {
        return "snakemake";
    }

    @Override
    protected String nameOf(LanguageAdapterProvider provider) {
        return provider.name();
    }

    @Override
    protected List<ConfigProperty> configPropertiesOf(LanguageAdapterProvider provider) {
        return provider.configProperties();
    }
}
