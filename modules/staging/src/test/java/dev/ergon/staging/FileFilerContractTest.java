package dev.ergon.staging;

import dev.ergon.spi.Filer;
import dev.ergon.testkit.FilerContract;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileFilerContractTest extends FilerContract {
    @TempDir
    static Path store;

    private static final FileFiler FILER = new FileFiler();

    @Override
    protected Filer filer() {
        return FILER;
    }

    @Override
    protected URI baseUri() {
        return store.toUri();
    }
}
