package dev.ergon.filer.jclouds;

import dev.ergon.spi.Filer;
import dev.ergon.testkit.FilerContract;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The jclouds filer against a real S3 server (S3Proxy), through the generic s3 API, path-style. */
class JcloudsFilerS3ContractTest extends FilerContract {
    private static JcloudsFiler filer;
    private static String bucket;

    @BeforeAll
    static void start() {
        bucket = TestS3.get().newBucket("contract");
        filer = TestS3.get().filer(Map.of());
    }

    @AfterAll
    static void stop() {
        filer.close();
    }

    @Override
    protected Filer filer() {
        return filer;
    }

    @Override
    protected URI baseUri() {
        return URI.create("s3://" + bucket + "/contract");
    }
}
