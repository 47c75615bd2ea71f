package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.executor.kubernetes.KubernetesExecutorBackendConfig.LogStreams;
import dev.ergon.executor.kubernetes.KubernetesExecutorBackendConfig.Storage;
import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ProviderConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubernetesExecutorBackendConfigTest {
    private static KubernetesExecutorBackendConfig config(Map<String, String> values) {
        return KubernetesExecutorBackendConfig.from(ProviderConfig.of(FakeCluster.PREFIX, values));
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("filer-image", "ergon:1"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaults() {
        KubernetesExecutorBackendConfig c = config(with());
        assertEquals(Storage.EMPTY_DIR, c.storage());
        assertEquals(LogStreams.COMBINED, c.logStreams());
        assertEquals(Optional.of(Duration.ofHours(24)), c.ttlAfterFinished());
        assertEquals(Optional.empty(), c.activeDeadline());
        assertEquals(Optional.empty(), c.kueueQueueName());
        assertEquals("topology.kubernetes.io/zone", c.zoneLabel());
        assertTrue(c.watch());
        assertTrue(c.backendParametersAllowed().isEmpty(), "nothing is honoured unless the operator says so");
    }

    @Test
    void separateLogStreamsOnlyWhenLogsAreReadSplit() {
        assertFalse(KubernetesExecutorBackend.capabilities(config(with()))
                .contains(dev.ergon.spi.ExecutorCapability.SEPARATE_LOG_STREAMS));
        assertTrue(KubernetesExecutorBackend.capabilities(config(with("log-streams", "split")))
                .contains(dev.ergon.spi.ExecutorCapability.SEPARATE_LOG_STREAMS));
    }

    @Test
    void everyKeyReadIsDeclared() {
        Set<String> declared = KubernetesExecutorBackendConfig.properties().stream()
                .map(ConfigProperty::key)
                .collect(Collectors.toSet());
        for (String key : Set.of(
                "namespace",
                "kubeconfig",
                "api-url",
                "filer-image",
                "service-account",
                "active-deadline",
                "ttl-after-finished",
                "storage",
                "storage-class",
                "default-cpu",
                "default-memory",
                "kueue.queue-name",
                "kueue.priority-class",
                "preemptible-node-selector",
                "zone-label",
                "backend-parameters.allowed",
                "poll-interval")) {
            assertTrue(declared.contains(key), key + " is not declared");
        }
    }

    @Test
    void badValuesNameTheFullKey() {
        assertBad(Map.of(), "ergon.executor.kubernetes.filer-image");
        assertBad(with("storage", "nfs"), "ergon.executor.kubernetes.storage");
        assertBad(with("log-streams", "both"), "ergon.executor.kubernetes.log-streams");
        assertBad(with("default-memory", "lots"), "ergon.executor.kubernetes.default-memory");
        assertBad(with("preemptible-node-selector", "spot"), "ergon.executor.kubernetes.preemptible-node-selector");
        assertBad(with("active-deadline", "500ms"), "ergon.executor.kubernetes.active-deadline");
        assertBad(with("ttl-after-finished", "soon"), "ergon.executor.kubernetes.ttl-after-finished");
    }

    private static void assertBad(Map<String, String> values, String key) {
        ErgonException e = assertThrows(ErgonException.class, () -> config(values));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals(key, e.field().orElse(null), e.getMessage());
    }

    @Test
    void ttlZeroDisablesIt() {
        assertEquals(Optional.empty(), config(with("ttl-after-finished", "0s")).ttlAfterFinished());
    }
}
