package dev.ergon.filer.jclouds;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.FilerProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class JcloudsFilerProviderDiscoveryTest extends ProviderDiscoveryContract<FilerProvider> {
    @Override
    protected Class<FilerProvider> spi() {
        return FilerProvider.class;
    }

    @Override
    protected Class<? extends FilerProvider> providerClass() {
        return JcloudsFilerProvider.class;
    }

    @Override
    protected String expectedName() {
        return "jclouds";
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
