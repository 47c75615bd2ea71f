package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorBackendProvider;
import dev.ergon.spi.ProviderContext;
import java.util.List;

/**
 * {@code ergon.executor=kubernetes}: runs each task as one Kubernetes Job (one Pod: stage-in,
 * the executors as init containers, stage-out) through the official Kubernetes Java client.
 * Settings under {@code ergon.executor.kubernetes.} (see {@link #configProperties()} and the
 * module's README). Stateless.
 */
public final class KubernetesExecutorBackendProvider implements ExecutorBackendProvider {
    /** The name that selects this backend. */
    public static final String NAME = "kubernetes";

    /** For {@link java.util.ServiceLoader}. */
    public KubernetesExecutorBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return KubernetesExecutorBackendConfig.properties();
    }

    /**
     * Creates the backend and starts following the cluster. An API server that cannot be reached
     * does not fail here (tasks then wait or fail with BACKEND_UNAVAILABLE); one that refuses
     * Ergon's credentials is reported through {@link ExecutorBackend#unavailableReason()}.
     *
     * @throws dev.ergon.spi.ErgonException INVALID_INPUT naming a missing or bad config key
     */
    @Override
    public ExecutorBackend create(ProviderContext context) {
        requireNonNull(context, "context is null");
        KubernetesExecutorBackendConfig config = KubernetesExecutorBackendConfig.from(context.config());
        return config.strategy() == KubernetesExecutorBackendConfig.Strategy.JOB_PER_PHASE
                ? new JobPerPhaseBackend(config, context)
                : new KubernetesExecutorBackend(config, context);
    }
}
