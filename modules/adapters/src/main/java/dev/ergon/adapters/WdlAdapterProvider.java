package dev.ergon.adapters;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.LanguageAdapterProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/** {@code wdl}: WDL with Toil, miniwdl or Cromwell. Stateless. */
public final class WdlAdapterProvider implements LanguageAdapterProvider {
    @Override
    public String name() {
        return "wdl";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return WdlAdapterConfig.PROPERTIES;
    }

    @Override
    public LanguageAdapter create(ProviderContext context) {
        return new WdlAdapter(WdlAdapterConfig.from(context.config()));
    }
}
