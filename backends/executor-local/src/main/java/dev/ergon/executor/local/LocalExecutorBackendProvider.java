package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorBackendProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/**
 * {@code ergon.executor=local} (the embedded default): runs each task executor as a local process
 * in a bubblewrap sandbox. Settings under {@code ergon.executor.local.}: {@code max-concurrent},
 * {@code bwrap}, {@code log-tail-bytes}, {@code kill-grace}, {@code ro-binds} (see {@link
 * #configProperties()}). Stateless.
 */
public final class LocalExecutorBackendProvider implements ExecutorBackendProvider {
    /** The name that selects this backend. */
    public static final String NAME = "local";

    /** For {@link java.util.ServiceLoader}. */
    public LocalExecutorBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return LocalExecutorBackendConfig.properties();
    }

    /**
     * Creates the backend. A missing or unusable bwrap does not fail here: the backend reports it
     * through {@link ExecutorBackend#unavailableReason()} and fails each task with SYSTEM_ERROR.
     *
     * @throws dev.ergon.spi.ErgonException INVALID_INPUT naming a bad config key
     */
    @Override
    public ExecutorBackend create(ProviderContext context) {
        requireNonNull(context, "context is null");
        return new LocalExecutorBackend(LocalExecutorBackendConfig.from(context.config()), context);
    }
}
