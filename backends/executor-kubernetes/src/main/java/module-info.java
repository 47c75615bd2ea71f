/**
 * The Kubernetes executor backend ({@code ergon.executor=kubernetes}): runs each task as one
 * Kubernetes Job whose single Pod stages inputs in, runs the executors in order as init containers
 * and stages outputs out. Internal apart from its provider, which {@link java.util.ServiceLoader}
 * finds.
 */
module dev.ergon.executor.kubernetes {
    requires dev.ergon.spi;
    requires io.kubernetes.client.java;
    requires io.kubernetes.client.java.api;
    requires com.google.gson;
    requires okhttp3;

    provides dev.ergon.spi.ExecutorBackendProvider with
            dev.ergon.executor.kubernetes.KubernetesExecutorBackendProvider;
}
