package dev.ergon.state;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondStartAfterAFailureGivesTheFirstError() throws Exception {
        // A data folder that cannot be created: a file stands where it should be.
        Path blocked = Files.writeString(tmp.resolve("not-a-folder"), "x");
        IllegalStateException first =
                assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(blocked.resolve("postgres")));
        assertTrue(first.getMessage().startsWith("cannot start the embedded PostgreSQL in "), first.getMessage());

        IllegalStateException second =
                assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(blocked.resolve("postgres")));
        assertSame(first, second.getCause(), "the retry reports the first failure");
        assertTrue(second.getMessage().contains("failed earlier in this process"), second.getMessage());
    }
}
