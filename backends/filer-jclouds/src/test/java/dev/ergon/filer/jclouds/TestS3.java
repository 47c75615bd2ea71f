package dev.ergon.filer.jclouds;

import dev.ergon.spi.ProviderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for the tests: S3Proxy on jclouds' filesystem store, on 127.0.0.1 at a free
 * port, with AWS v2/v4 authentication. One instance per JVM, started on first use and stopped
 * when the JVM exits; each test class makes its own buckets.
 */
final class TestS3 {
    static final String IDENTITY = "ergon-test-access-key";
    /** Unique per run so a test can assert that it appears in no message. */
    static final String CREDENTIAL = "ergon-test-secret-" + UUID.randomUUID();

    private static TestS3 instance;

    private final Path dir;
    private final BlobStoreContext backend;
    private final S3Proxy proxy;
    private final URI endpoint;

    private TestS3() throws Exception {
        dir = Files.createTempDirectory("ergon-s3proxy-");
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        backend = ContextBuilder.newBuilder("filesystem").overrides(p).buildView(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(backend.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .build();
        proxy.start();
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The shared server, started on first use. */
    static synchronized TestS3 get() {
        if (instance == null) {
            try {
                instance = new TestS3();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
            TestS3 started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "s3proxy-stop"));
        }
        return instance;
    }

    URI endpoint() {
        return endpoint;
    }

    /** The store behind the server, for set-up and for asserting what reached it. */
    BlobStore backend() {
        return backend.getBlobStore();
    }

    /** Where the filesystem store keeps bucket {@code bucket}'s objects. */
    Path bucketDir(String bucket) {
        return dir.resolve(bucket);
    }

    /** Creates a bucket with a fresh name starting with {@code prefix}. */
    String newBucket(String prefix) {
        String bucket = (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        backend().createContainerInLocation(null, bucket);
        return bucket;
    }

    /** Settings that reach this server with the right credentials, plus {@code extra}. */
    Map<String, String> config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("s3.endpoint", endpoint.toString());
        m.put("s3.identity", IDENTITY);
        m.put("s3.credential", CREDENTIAL);
        m.put("max-retries", "1");
        m.putAll(extra);
        return m;
    }

    /** A filer for this server with {@link #config}. */
    JcloudsFiler filer(Map<String, String> extra) {
        return new JcloudsFiler(JcloudsFilerConfig.from(ProviderConfig.of(JcloudsFilerConfig.PREFIX, config(extra))));
    }

    private void stop() {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
        backend.close();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
