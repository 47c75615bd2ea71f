package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ergon.spi.ExecutorBackend;
import dev.ergon.testkit.ExecutorBackendContract;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Strategy job-per-phase passes the same backend contract as the one-job strategy, on the same
 * shared fake cluster: one claim per task, each phase its own Job and Pod mounting it. It reads
 * logs combined (the default {@code log-streams}), so the contract checks the documented
 * behaviour without {@link dev.ergon.spi.ExecutorCapability#SEPARATE_LOG_STREAMS}; the one-job
 * contract test reads them split.
 */
class JobPerPhaseContractTest extends ExecutorBackendContract {
    private static ExecutorBackend backend;

    @BeforeAll
    static void createBackend() {
        FakeCluster cluster = FakeCluster.shared();
        backend =
                cluster.backend(cluster.newNamespace(), Map.of("strategy", "job-per-phase", "log-streams", "combined"));
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
