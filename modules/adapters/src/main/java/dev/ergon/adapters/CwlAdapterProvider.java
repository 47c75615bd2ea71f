package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** {@code cwl}: CWL with cwltool or Toil. Stateless. */
public final class CwlAdapterProvider implements LanguageAdapterProvider {
    @Override
    public String name() {
        return "cwl";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return CwlAdapterConfig.PROPERTIES;
    }

    @Override
    public LanguageAdapter create(ProviderContext context) {
        return new CwlAdapter(CwlAdapterConfig.from(context.config()));
    }
}
