package dev.ergon.filer.jclouds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Filer;
import dev.ergon.testkit.TestProviderContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the jclouds filer sends in a multipart upload, seen by a local HTTP server that answers as
 * S3 does and can lie about a part's ETag: each part goes once, without a {@code Content-MD5}
 * that would cost a second read of the file, and the MD5 computed while sending is checked
 * against the part's ETag, so a part the store got damaged fails the upload and the upload is
 * aborted instead of completed.
 */
class JcloudsFilerPartsTest {
    private static final int MIB = 1024 * 1024;
    private static final String INITIATED = "<InitiateMultipartUploadResult"
            + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>bucket</Bucket><Key>out/big.bin</Key>"
            + "<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>";

    @TempDir
    Path tmp;

    @Test
    void partsGoOnceWithoutContentMd5AndTheirEtagsAreChecked() throws Exception {
        Path source = randomFile(11 * MIB + 7);
        Map<Integer, byte[]> received = new ConcurrentHashMap<>();
        try (RecordingServer server = new RecordingServer(s3(received, md5 -> md5))) {
            try (Filer f = filer(server, Map.of())) {
                assertEquals(11 * MIB + 7, f.upload(source, URI.create("s3://bucket/out/big.bin")));
            }
            List<RecordingServer.Request> parts = parts(server);
            assertEquals(3, parts.size(), "one PUT per part, none repeated");
            for (RecordingServer.Request part : parts) {
                assertNull(part.header("Content-MD5"), "a part's MD5 is not sent ahead of it");
                // Over plain http the body is hashed into the v4 signature (sign-payload=auto).
                assertEquals(
                        hex(java.security.MessageDigest.getInstance("SHA-256").digest(part.bytes())),
                        part.header("x-amz-content-sha256"));
            }
            byte[] all = new byte[0];
            for (int i = 1; i <= 3; i++) {
                all = concat(all, received.get(i));
            }
            assertEquals(hex(md5(Files.readAllBytes(source))), hex(md5(all)), "the parts make up the file");
            assertEquals(1, count(server, "POST", "uploadId=upload-1"), "the upload was completed");
            assertEquals(0, count(server, "DELETE", "uploadId=upload-1"), "nothing was aborted");
        }
    }

    @Test
    void aPartTheStoreGotDamagedFailsTheUploadAndAbortsIt() throws Exception {
        Path source = randomFile(11 * MIB);
        // The store answers part 2 with the MD5 of other bytes, as it would had they been damaged.
        Map<Integer, byte[]> received = new ConcurrentHashMap<>();
        try (RecordingServer server = new RecordingServer(s3(received, md5 -> {
            byte[] other = md5.clone();
            other[0] ^= 1;
            return other;
        }))) {
            ErgonException e;
            try (Filer f = filer(server, Map.of())) {
                e = assertThrows(ErgonException.class, () -> f.upload(source, URI.create("s3://bucket/out/big.bin")));
            }
            assertEquals(ErrorKind.BACKEND_UNAVAILABLE, e.kind(), "a damaged part is worth a retry");
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertTrue(e.getMessage().contains("s3://bucket/out/big.bin"), e.getMessage());
            assertEquals(0, count(server, "POST", "uploadId=upload-1"), "a damaged upload is never completed");
            assertEquals(1, count(server, "DELETE", "uploadId=upload-1"), "the damaged upload was aborted");
        }
    }

    @Test
    void withoutVerificationAWrongEtagIsAccepted() throws Exception {
        Path source = randomFile(11 * MIB);
        Map<Integer, byte[]> received = new ConcurrentHashMap<>();
        try (RecordingServer server = new RecordingServer(s3(received, md5 -> new byte[16]))) {
            try (Filer f = filer(server, Map.of("verify-checksums", "false"))) {
                assertEquals(11 * MIB, f.upload(source, URI.create("s3://bucket/out/big.bin")));
            }
            assertEquals(3, parts(server).size());
            assertEquals(1, count(server, "POST", "uploadId=upload-1"));
        }
    }

    @Test
    void unsignedBodiesAreSentAsUnsignedPayloadAndStillChecked() throws Exception {
        Path source = randomFile(11 * MIB + 1);
        Map<Integer, byte[]> received = new ConcurrentHashMap<>();
        try (RecordingServer server = new RecordingServer(s3(received, md5 -> md5))) {
            try (Filer f = filer(server, Map.of("s3.sign-payload", "false"))) {
                f.upload(source, URI.create("s3://bucket/out/big.bin"));
            }
            List<RecordingServer.Request> parts = parts(server);
            assertEquals(3, parts.size());
            for (RecordingServer.Request part : parts) {
                assertEquals(UnsignedPayloadSigner.UNSIGNED_PAYLOAD, part.header("x-amz-content-sha256"));
                assertTrue(part.header("Authorization").startsWith("AWS4-HMAC-SHA256 "), part.header("Authorization"));
            }
        }
        received.clear();
        try (RecordingServer server = new RecordingServer(s3(received, md5 -> new byte[16]))) {
            try (Filer f = filer(server, Map.of("s3.sign-payload", "false"))) {
                ErgonException e = assertThrows(
                        ErgonException.class, () -> f.upload(source, URI.create("s3://bucket/out/big.bin")));
                assertTrue(e.getMessage().contains("checksum mismatch"), "unsigned bodies are still checked: " + e);
            }
        }
    }

    /**
     * An S3 multipart endpoint for one object. A part's ETag is {@code etag} applied to the MD5 of
     * the bytes received (the identity for an honest store).
     */
    private static Function<RecordingServer.Request, RecordingServer.Response> s3(
            Map<Integer, byte[]> received, Function<byte[], byte[]> etag) {
        Map<Integer, byte[]> etags = new ConcurrentHashMap<>();
        return r -> {
            String q = r.query();
            if (r.method().equals("POST") && q.startsWith("uploads")) {
                return new RecordingServer.Response(200, "application/xml", INITIATED);
            }
            if (r.method().equals("PUT") && q.contains("partNumber=")) {
                int n = Integer.parseInt(q.replaceAll(".*partNumber=(\\d+).*", "$1"));
                received.put(n, r.bytes());
                byte[] tag = etag.apply(md5(r.bytes()));
                etags.put(n, tag);
                return new RecordingServer.Response(200, "text/plain", "", Map.of("ETag", "\"" + hex(tag) + "\""));
            }
            if (r.method().equals("POST") && q.contains("uploadId=")) {
                MessageDigest all = newMd5();
                for (int i = 1; i <= etags.size(); i++) {
                    all.update(etags.get(i));
                }
                String multipart = hex(all.digest()) + "-" + etags.size();
                return new RecordingServer.Response(
                        200,
                        "application/xml",
                        "<CompleteMultipartUploadResult><Location>x</Location><Bucket>bucket</Bucket>"
                                + "<Key>out/big.bin</Key><ETag>\"" + multipart + "\"</ETag>"
                                + "</CompleteMultipartUploadResult>");
            }
            if (r.method().equals("DELETE") && q.contains("uploadId=")) {
                return new RecordingServer.Response(204, "application/xml", "");
            }
            return new RecordingServer.Response(404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
        };
    }

    private Filer filer(RecordingServer server, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("s3.endpoint", server.base().toString());
        m.put("s3.identity", "test-access");
        m.put("s3.credential", "test-secret-value");
        m.put("max-retries", "0");
        m.put("multipart-threshold", Integer.toString(5 * MIB));
        m.put("part-size", Integer.toString(5 * MIB));
        m.putAll(extra);
        return new JcloudsFilerProvider().create(new TestProviderContext(JcloudsFilerConfig.PREFIX, m, tmp));
    }

    private static List<RecordingServer.Request> parts(RecordingServer server) {
        return server.requests.stream()
                .filter(r -> r.method().equals("PUT") && r.query().contains("partNumber="))
                .toList();
    }

    private static long count(RecordingServer server, String method, String query) {
        return server.requests.stream()
                .filter(r -> r.method().equals(method) && r.query().contains(query))
                .count();
    }

    private Path randomFile(long size) throws IOException {
        Path p = tmp.resolve("source-" + size + ".bin");
        Random random = new Random(size);
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; ) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] md5(byte[] bytes) {
        return newMd5().digest(bytes);
    }

    private static MessageDigest newMd5() {
        return DigestingSlice.newMd5();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
