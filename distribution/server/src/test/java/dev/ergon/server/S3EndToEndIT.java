package dev.ergon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ergon.testkit.Eventually;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.Test;

/**
 * The packaged server on the embedded default, staging through a real S3-compatible server
 * (S3Proxy) and a real HTTP server: a task whose inputs come from S3 and HTTP and whose outputs
 * go to S3 reaches COMPLETE, and the bytes in the bucket are right.
 */
class S3EndToEndIT {
    private static final String IDENTITY = "e2e-access";
    private static final String CREDENTIAL = "e2e-secret-" + UUID.randomUUID();

    @Test
    void inputsFromS3AndHttpOutputsToS3() throws Exception {
        Path dir = Files.createTempDirectory("ergon-s3-e2e");
        Properties p = new Properties();
        p.setProperty(
                "jclouds.filesystem.basedir",
                Files.createDirectories(dir.resolve("s3")).toString());
        BlobStoreContext backend =
                ContextBuilder.newBuilder("filesystem").overrides(p).buildView(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(backend.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .build();
        proxy.start();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/greeting.txt", ex -> {
            byte[] b = "from http\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        http.start();
        try {
            BlobStore store = backend.getBlobStore();
            store.createContainerInLocation(null, "e2e");
            store.putBlob(
                    "e2e",
                    store.blobBuilder("inputs/in.txt").payload("from s3\n").build());
            String task =
                    """
                    {"name": "s3-e2e",
                     "inputs": [{"path": "/data/in.txt", "url": "s3://e2e/inputs/in.txt"},
                                {"path": "/data/greeting.txt", "url": "http://127.0.0.1:%d/greeting.txt"}],
                     "outputs": [{"path": "/data/result.txt", "url": "s3://e2e/results/result.txt"},
                                 {"path": "/data/parts", "url": "s3://e2e/results/parts", "type": "DIRECTORY"}],
                     "executors": [{"image": "debian", "command": ["sh", "-c",
                        "cat /data/in.txt /data/greeting.txt > /data/result.txt; mkdir -p /data/parts/sub; echo a > /data/parts/a; echo b > /data/parts/sub/b"]}]}
                    """
                            .formatted(http.getAddress().getPort());
            try (ServerProcess server = ServerProcess.start(
                    dir.resolve("data"),
                    "ergon.filer.jclouds.s3.endpoint=http://127.0.0.1:" + proxy.getPort(),
                    "ergon.filer.jclouds.s3.identity=" + IDENTITY,
                    "ergon.filer.jclouds.s3.credential=" + CREDENTIAL)) {
                String id = Json.createReader(new StringReader(server.post("/ga4gh/tes/v1/tasks", task)))
                        .readObject()
                        .getString("id");
                JsonObject done = Eventually.get(Duration.ofSeconds(60), "task to end", () -> {
                    JsonObject t = read(server, id);
                    return Api.TERMINAL.contains(t.getString("state")) ? t : null;
                });
                assertEquals("COMPLETE", done.getString("state"), done.toString());
                assertEquals("from s3\nfrom http\n", content(store.getBlob("e2e", "results/result.txt")));
                assertEquals("a\n", content(store.getBlob("e2e", "results/parts/a")));
                assertEquals("b\n", content(store.getBlob("e2e", "results/parts/sub/b")));
                assertEquals(
                        3,
                        done.getJsonArray("logs")
                                .getJsonObject(0)
                                .getJsonArray("outputs")
                                .size());
                assertTrue(
                        !Files.readString(server.log).contains(CREDENTIAL), "the S3 secret appeared in the server log");
            }
        } finally {
            http.stop(0);
            proxy.stop();
            backend.close();
        }
    }

    private static JsonObject read(ServerProcess s, String id) {
        try {
            return Json.createReader(new StringReader(s.get("/ga4gh/tes/v1/tasks/" + id + "?view=FULL")))
                    .readObject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String content(Blob blob) throws Exception {
        if (blob == null) {
            return null;
        }
        try (InputStream in = blob.getPayload().openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
