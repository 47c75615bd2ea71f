package dev.ergon.filer.http;

import dev.ergon.spi.Filer;
import dev.ergon.testkit.FilerContract;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The http filer against a real local HTTP server that stores PUTs and serves GETs. */
class HttpFilerContractTest extends FilerContract {
    private static TestHttpServer server;
    private static HttpFiler filer;

    @BeforeAll
    static void start() throws IOException {
        server = new TestHttpServer();
        filer = new HttpFiler();
    }

    @AfterAll
    static void stop() {
        filer.close();
        server.close();
    }

    @Override
    protected Filer filer() {
        return filer;
    }

    @Override
    protected URI baseUri() {
        return server.base().resolve("/files/contract");
    }
}
