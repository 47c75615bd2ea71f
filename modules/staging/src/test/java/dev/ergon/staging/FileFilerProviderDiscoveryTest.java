package dev.ergon.staging;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.FilerProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class FileFilerProviderDiscoveryTest extends ProviderDiscoveryContract<FilerProvider> {
    @Override
    protected Class<FilerProvider> spi() {
        return FilerProvider.class;
    }

    @Override
    protected Class<? extends FilerProvider> providerClass() {
        return FileFilerProvider.class;
    }

    @Override
    protected String expectedName() {
        return "file";
    }

    @Override
    protected String nameOf(FilerProvider provider) {
        return provider.name();
    }

    @Override
    protected List<ConfigProperty> configPropertiesOf(FilerProvider provider) {
        return provider.configProperties();
    }
}
