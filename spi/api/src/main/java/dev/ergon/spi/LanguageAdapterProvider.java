package dev.ergon.spi;

import java.util.List;

/**
 * Creates a {@link LanguageAdapter}. Found by {@link java.util.ServiceLoader}; every provider
 * found is offered; reads its settings under {@code ergon.adapter.<name()>.}.
 */
@Incubating
public interface LanguageAdapterProvider {
    String name();

    List<ConfigProperty> configProperties();

    LanguageAdapter create(ProviderContext context);
}
