package dev.ergon.spi;

import java.util.List;

/**
 * Creates an {@link ExecutorBackend}. Found by {@link java.util.ServiceLoader}; chosen by
 * {@code ergon.executor=<name()>}; reads its settings under {@code ergon.executor.<name()>.}.
 * Stateless.
 */
public interface ExecutorBackendProvider {
    /** The value of {@code ergon.executor} that selects this backend, e.g. {@code local}. */
    String name();

    /** The keys this backend reads. */
    List<ConfigProperty> configProperties();

    /** Creates the backend. @throws ErgonException INVALID_INPUT naming a bad config key */
    ExecutorBackend create(ProviderContext context);
}
