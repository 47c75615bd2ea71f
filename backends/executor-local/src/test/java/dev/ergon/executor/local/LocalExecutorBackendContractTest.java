package dev.ergon.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ergon.spi.ExecutorBackend;
import dev.ergon.testkit.ExecutorBackendContract;
import dev.ergon.testkit.TestProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The local executor passes the backend contract, with bwrap as installed on this machine. */
class LocalExecutorBackendContractTest extends ExecutorBackendContract {
    private static Path dataDir;
    private static ExecutorBackend backend;

    @BeforeAll
    static void createBackend() throws IOException {
        dataDir = Files.createTempDirectory("ergon-local-contract-data-");
        backend = new LocalExecutorBackendProvider()
                .create(new TestProviderContext("ergon.executor.local.", Map.of("max-concurrent", "4"), dataDir));
        assertEquals(Optional.empty(), backend.unavailableReason(), "these tests need a working bubblewrap");
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
        TestFiles.deleteRecursively(dataDir);
    }

    @Override
    protected ExecutorBackend backend() {
        return backend;
    }
}
