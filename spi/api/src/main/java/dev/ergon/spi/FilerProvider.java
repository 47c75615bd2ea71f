package dev.ergon.spi;

import java.util.List;

/**
 * Creates a {@link Filer}. Found by {@link java.util.ServiceLoader}; every provider found is
 * used, each for the URL schemes its filer serves; reads its settings under
 * {@code ergon.filer.<name()>.}. Stateless.
 */
public interface FilerProvider {
    /** The provider's name, e.g. {@code http}. */
    String name();

    /** The keys this filer reads. */
    List<ConfigProperty> configProperties();

    /** Creates the filer. */
    Filer create(ProviderContext context);
}
