package dev.ergon.spi;

import java.util.List;

/**
 * Creates an {@link EventBus}. Found by {@link java.util.ServiceLoader}; chosen by
 * {@code ergon.events=<name()>}; reads its settings under {@code ergon.events.<name()>.}.
 */
public interface EventBusProvider {
    /** e.g. {@code postgres}, {@code memory}, {@code redis}. */
    String name();

    List<ConfigProperty> configProperties();

    EventBus create(ProviderContext context);
}
