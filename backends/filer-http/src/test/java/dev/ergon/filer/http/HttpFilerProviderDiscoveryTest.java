package dev.ergon.filer.http;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.FilerProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class HttpFilerProviderDiscoveryTest extends ProviderDiscoveryContract<FilerProvider> {
    @Override
    protected Class<FilerProvider> spi() {
        return FilerProvider.class;
    }

    @Override
    protected Class<? extends FilerProvider> providerClass() {
        return HttpFilerProvider.class;
    }

    @Override
    protected String expectedName() {
        return "http";
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
