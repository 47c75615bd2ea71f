package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What the runtime hands its providers. */
class ErgonRuntimeIT {
    @Test
    void theExecutorBackendIsHandedTheServersEventBus() {
        TestDatabase.get();
        ErgonRuntime runtime = new ErgonRuntime();
        runtime.ensureStarted();
        try {
            CountingExecutorBackendProvider.Backend backend =
                    (CountingExecutorBackendProvider.Backend) runtime.backend();
            assertSame(runtime.events(), backend.events.orElseThrow(), "ProviderContext.service(EventBus.class)");
        } finally {
            runtime.stop();
        }
    }
}
