package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ergon.spi.ExecutorBackend;
import dev.ergon.testkit.ExecutorBackendContract;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Kubernetes executor passes the backend contract on the shared fake cluster: its Jobs run in
 * the fake kubelet, whose containers run their commands for real in bubblewrap sandboxes with the
 * Pod's volume mounted as the manifest says. Log streams are read split (stdout and stderr apart),
 * as the contract's stdout/stderr test needs; see the README for clusters without that feature.
 */
class KubernetesExecutorBackendContractTest extends ExecutorBackendContract {
    private static ExecutorBackend backend;

    @BeforeAll
    static void createBackend() {
        FakeCluster cluster = FakeCluster.shared();
        backend = cluster.backend(cluster.newNamespace(), Map.of());
        assertEquals(Optional.empty(), backend.unavailableReason());
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Override
    protected ExecutorBackend backend() {
        return backend;
    }
}
