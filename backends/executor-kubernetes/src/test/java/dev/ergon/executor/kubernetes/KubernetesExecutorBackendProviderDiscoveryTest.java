package dev.ergon.executor.kubernetes;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ExecutorBackendProvider;
import dev.ergon.testkit.ProviderDiscoveryContract;
import java.util.List;

class KubernetesExecutorBackendProviderDiscoveryTest extends ProviderDiscoveryContract<ExecutorBackendProvider> {
    @Override
    protected Class<ExecutorBackendProvider> spi() {
        return ExecutorBackendProvider.class;
    }

    @Override
    protected Class<? extends ExecutorBackendProvider> providerClass() {
        return KubernetesExecutorBackendProvider.class;
    }

    @Override
    protected String expectedName() {
        return "kubernetes";
    }

    @Override
    protected String nameOf(ExecutorBackendProvider provider) {
        return provider.name();
    }

    @Override
    protected List<ConfigProperty> configPropertiesOf(ExecutorBackendProvider provider) {
        return provider.configProperties();
    }
}
