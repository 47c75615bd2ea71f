package dev.ergon.testkit;

import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.net.URI;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Nested;

/** The reference filer passes its own contract, with all capabilities and read-only. */
class InMemoryFilerContractTest extends FilerContract {
    private static final InMemoryFiler FILER = new InMemoryFiler();

    @Override
    protected Filer filer() {
        return FILER;
    }

    @Override
    protected URI baseUri() {
        return URI.create("mem://contract/" + UUID.randomUUID());
    }

    /** A filer that can only read must reject writes and listings with INVALID_INPUT. */
    @Nested
    class ReadOnly extends FilerContract {
        private final InMemoryFiler readOnly = new InMemoryFiler("ro", EnumSet.of(FilerCapability.READ));

        @Override
        protected Filer filer() {
            return readOnly;
        }

        @Override
        protected URI baseUri() {
            return URI.create("ro://contract/" + UUID.randomUUID());
        }

        @Override
        protected void putObject(URI uri, byte[] bytes) {
            readOnly.put(uri, bytes);
        }
    }
}
