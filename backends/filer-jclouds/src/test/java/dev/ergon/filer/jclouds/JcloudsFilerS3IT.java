package dev.ergon.filer.jclouds;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jclouds filer against a real S3 server (S3Proxy on a filesystem store): multipart uploads,
 * large listings, a 1 GiB file, checksums, refused credentials and unreachable servers. Asserts on
 * what reached the store, not only on what the filer says.
 */
class JcloudsFilerS3IT {
    private static final long MIB = 1024 * 1024;

    private static TestS3 s3;
    private static String bucket;
    private static JcloudsFiler filer;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = TestS3.get();
        bucket = s3.newBucket("it");
        // A small threshold and part size so a 20 MiB file goes in several parts.
        filer = s3.filer(Map.of("multipart-threshold", "5MiB", "part-size", "5MiB"));
    }

    @AfterAll
    static void stop() {
        filer.close();
    }

    private static URI url(String key) {
        return URI.create("s3://" + bucket + "/" + key);
    }

    @Test
    void aFileAboveTheThresholdGoesInPartsAndRoundTrips() throws IOException {
        Path source = randomFile(tmp.resolve("big.bin"), 20 * MIB + 123, 1);
        URI u = url("multipart/big.bin");
        assertEquals(20 * MIB + 123, filer.upload(source, u));

        // What reached the store: the S3 multipart ETag "<md5 of the part MD5s>-<parts>", 5 parts.
        BlobMetadata md = s3.backend().blobMetadata(bucket, "multipart/big.bin");
        assertEquals(20 * MIB + 123, md.getContentMetadata().getContentLength());
        assertTrue(md.getETag().replace("\"", "").endsWith("-5"), "ETag " + md.getETag() + " is not a 5-part ETag");
        assertEquals(List.of(), s3.backend().listMultipartUploads(bucket), "multipart uploads were left open");

        Path back = tmp.resolve("back/big.bin");
        assertEquals(20 * MIB + 123, filer.download(u, back));
        assertEquals(sha256(source), sha256(back));
        assertEquals(20 * MIB + 123, filer.stat(u).orElseThrow().sizeBytes());
    }

    @Test
    void aFileAtTheThresholdGoesWholeWithItsMd5() throws IOException {
        Path source = randomFile(tmp.resolve("five.bin"), 5 * MIB, 2);
        filer.upload(source, url("whole/five.bin"));
        BlobMetadata md = s3.backend().blobMetadata(bucket, "whole/five.bin");
        assertEquals(md5Hex(source), md.getETag().replace("\"", ""));
        FileStat stat = filer.stat(url("whole/five.bin")).orElseThrow();
        assertEquals(Optional.of("md5:" + md5Hex(source)), stat.checksum());
    }

    @Test
    void aMissingObjectIsNotFoundNamingTheUrl() {
        URI u = url("no/such/object.txt");
        ErgonException e = expect(ErrorKind.NOT_FOUND, () -> filer.download(u, tmp.resolve("x/y.txt")));
        assertTrue(e.getMessage().contains(u.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such object"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x/y.txt")));
        assertEquals(List.of(), filesUnder(tmp), "temporary files were left behind");
        assertEquals(Optional.empty(), filer.stat(u));
    }

    @Test
    void aMissingBucketIsNotFoundNamingTheBucket() throws IOException {
        URI u = URI.create("s3://no-such-bucket-ergon/a.txt");
        ErgonException e = expect(ErrorKind.NOT_FOUND, () -> filer.download(u, tmp.resolve("a.txt")));
        assertTrue(
                e.getMessage().contains(u.toString()) && e.getMessage().contains("bucket 'no-such-bucket-ergon'"),
                e.getMessage());
        e = expect(ErrorKind.NOT_FOUND, () -> filer.upload(Files.writeString(tmp.resolve("up.txt"), "x"), u));
        assertTrue(e.getMessage().contains(u.toString()), e.getMessage());
        e = expect(ErrorKind.NOT_FOUND, () -> filer.list(URI.create("s3://no-such-bucket-ergon/dir")));
        assertTrue(e.getMessage().contains("no-such-bucket-ergon"), e.getMessage());
        assertEquals(Optional.empty(), filer.stat(u));
    }

    @Test
    void wrongCredentialsAreInvalidInputAndNeverShowTheSecret() throws IOException {
        s3.backend()
                .putBlob(
                        bucket,
                        s3.backend().blobBuilder("secret/a.txt").payload("a").build());
        String wrongSecret = "wrong-secret-" + System.nanoTime();
        Path up = Files.writeString(tmp.resolve("up.txt"), "x");
        Path big = randomFile(tmp.resolve("big.bin"), 6 * MIB, 3);
        try (JcloudsFiler wrong = s3.filer(Map.of("s3.credential", wrongSecret, "multipart-threshold", "5MiB"))) {
            URI u = url("secret/a.txt");
            for (Executable call : List.<Executable>of(
                    () -> wrong.download(u, tmp.resolve("a.txt")),
                    () -> wrong.stat(u),
                    () -> wrong.upload(up, u),
                    () -> wrong.upload(big, url("secret/big.bin")),
                    () -> wrong.list(url("secret")))) {
                ErgonException e = expect(ErrorKind.INVALID_INPUT, call);
                assertTrue(e.getMessage().startsWith("access denied to s3://" + bucket + "/secret"), e.getMessage());
                assertTrue(
                        e.getMessage().contains("(check ergon.filer.jclouds.s3.identity/credential)"), e.getMessage());
                String everything = stackTrace(e);
                assertFalse(everything.contains(wrongSecret), "the secret appears in:\n" + everything);
                assertFalse(everything.contains(TestS3.CREDENTIAL), "the real secret appears in:\n" + everything);
            }
        }
        try (JcloudsFiler unknownKey = s3.filer(Map.of("s3.identity", "no-such-access-key"))) {
            ErgonException e = expect(ErrorKind.INVALID_INPUT, () -> unknownKey.stat(url("secret/a.txt")));
            assertTrue(e.getMessage().startsWith("access denied to "), e.getMessage());
            assertFalse(stackTrace(e).contains(TestS3.CREDENTIAL));
        }
        assertEquals(List.of(), s3.backend().listMultipartUploads(bucket), "multipart uploads were left open");
        assertFalse(s3.backend().blobExists(bucket, "secret/big.bin"));
    }

    @Test
    void aBucketsOwnSettingsWinOverTheDefaults() throws IOException {
        String other = s3.newBucket("own");
        Map<String, String> extra = Map.of(
                "s3.bucket." + other + ".identity",
                TestS3.IDENTITY,
                "s3.bucket." + other + ".credential",
                "not-the-secret");
        try (JcloudsFiler f = s3.filer(extra)) {
            Path up = Files.writeString(tmp.resolve("up.txt"), "hello");
            assertEquals(5, f.upload(up, url("defaults.txt")), "the default credentials serve other buckets");
            ErgonException e =
                    expect(ErrorKind.INVALID_INPUT, () -> f.upload(up, URI.create("s3://" + other + "/x.txt")));
            assertTrue(
                    e.getMessage().contains("(check ergon.filer.jclouds.s3.bucket." + other + ".identity/credential)"),
                    e.getMessage());
        }
    }

    @Test
    void unsignedBodiesInPartsAreAcceptedByARealS3Server() throws IOException {
        Path source = randomFile(tmp.resolve("unsigned.bin"), 11 * MIB + 5, 9);
        URI u = url("unsigned/big.bin");
        try (JcloudsFiler f =
                s3.filer(Map.of("multipart-threshold", "5MiB", "part-size", "5MiB", "s3.sign-payload", "false"))) {
            assertEquals(11 * MIB + 5, f.upload(source, u));
        }
        assertTrue(
                s3.backend()
                        .blobMetadata(bucket, "unsigned/big.bin")
                        .getETag()
                        .replace("\"", "")
                        .endsWith("-3"),
                "not a 3-part upload");
        Path back = tmp.resolve("back/unsigned.bin");
        filer.download(u, back);
        assertEquals(sha256(source), sha256(back));
    }

    @Test
    void signatureVersion2AConfiguredRegionAndSignedOrUnsignedBodiesWorkToo() throws IOException {
        Path up = Files.writeString(tmp.resolve("up.txt"), "v2");
        for (Map<String, String> extra : List.of(
                Map.of("s3.signature-version", "2"),
                Map.of("s3.region", "eu-west-1"),
                Map.of("s3.sign-payload", "false"),
                Map.of("s3.sign-payload", "true"))) {
            try (JcloudsFiler f = s3.filer(extra)) {
                URI u = url("signing/" + extra.keySet().iterator().next() + "-"
                        + extra.values().iterator().next() + ".txt");
                f.upload(up, u);
                assertEquals("v2", new String(readBackend(u), UTF_8));
                Path back = tmp.resolve("back.txt");
                f.download(u, back);
                assertEquals("v2", Files.readString(back));
            }
        }
    }

    @Test
    void aThousandAndOneFilesAreListedAcrossPagesAndDownloaded() throws Exception {
        // S3 lists at most 1,000 keys per request: 1,001 needs a second page.
        int n = 1001;
        Map<String, byte[]> contents = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            contents.put(
                    String.format("many/d%02d/f%04d.txt", i % 7, i),
                    ("file " + i + "\n").repeat(1 + i % 5).getBytes(UTF_8));
        }
        s3.backend()
                .putBlob(
                        bucket,
                        s3.backend()
                                .blobBuilder("many.txt")
                                .payload("sibling, not below")
                                .build());
        s3.backend()
                .putBlob(
                        bucket,
                        s3.backend()
                                .blobBuilder("many-other/x.txt")
                                .payload("not below")
                                .build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (var e : contents.entrySet()) {
                puts.add(pool.submit(() -> {
                    Path f = tmp.resolve("src").resolve(e.getKey());
                    Files.createDirectories(f.getParent());
                    Files.write(f, e.getValue());
                    return filer.upload(f, url(e.getKey()));
                }));
            }
            for (Future<?> f : puts) {
                f.get();
            }
            List<FileStat> listed = filer.list(url("many"));
            assertEquals(n, listed.size());
            Map<String, Long> got = new TreeMap<>();
            listed.forEach(s -> got.put(s.uri().toString(), s.sizeBytes()));
            Map<String, Long> expected = new TreeMap<>();
            contents.forEach((k, v) -> expected.put(url(k).toString(), (long) v.length));
            assertEquals(expected, got);
            assertEquals(n, filer.list(url("many/")).size(), "a trailing slash lists the same");

            List<Future<?>> gets = new ArrayList<>();
            for (FileStat s : listed) {
                gets.add(pool.submit(() -> {
                    String key = s.uri().getPath().substring(1);
                    Path target = tmp.resolve("dst").resolve(key);
                    filer.download(s.uri(), target);
                    assertArrayEquals(contents.get(key), Files.readAllBytes(target), key);
                    return null;
                }));
            }
            for (Future<?> f : gets) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDamagedObjectIsRetryableAndLeavesNoFile() throws IOException {
        Path source = Files.writeString(tmp.resolve("good.txt"), "the original bytes\n");
        URI u = url("damaged/obj.txt");
        filer.upload(source, u);
        // Damage the stored bytes behind the server's back, keeping the length and the MD5 it recorded.
        Path stored = s3.bucketDir(bucket).resolve("damaged/obj.txt");
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(stored, UserDefinedFileAttributeView.class);
        assumeTrue(
                xattrs != null && xattrs.list().contains("user.content-md5"),
                "the file system under S3Proxy keeps no extended attributes, so it cannot serve a stale MD5");
        try (FileChannel ch = FileChannel.open(stored, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("THE".getBytes(UTF_8)), 0);
        }
        Path target = tmp.resolve("out/obj.txt");
        ErgonException e = expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.download(u, target));
        assertTrue(e.getMessage().contains(u + ": download failed: checksum mismatch"), e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), filesUnder(target.getParent()), "temporary files were left behind");

        try (JcloudsFiler trusting = s3.filer(Map.of("verify-checksums", "false"))) {
            trusting.download(u, target);
            assertEquals("THE original bytes\n", Files.readString(target));
        }
    }

    @Test
    void anUnreachableServerIsRetryable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (JcloudsFiler down = s3.filer(Map.of("s3.endpoint", "http://127.0.0.1:" + port, "max-retries", "0"))) {
            URI u = url("any.txt");
            ErgonException e = expect(ErrorKind.BACKEND_UNAVAILABLE, () -> down.download(u, tmp.resolve("any.txt")));
            assertTrue(e.getMessage().startsWith(u + ": download failed: cannot reach the store"), e.getMessage());
            expect(ErrorKind.BACKEND_UNAVAILABLE, () -> down.stat(u));
            expect(ErrorKind.BACKEND_UNAVAILABLE, () -> down.upload(Files.writeString(tmp.resolve("u.txt"), "u"), u));
            expect(ErrorKind.BACKEND_UNAVAILABLE, () -> down.list(url("dir")));
        }
    }

    /**
     * 1 GiB up (in 32 parts of the default size) and down, verified with SHA-256 computed while
     * streaming; nothing is held in memory. Tagged {@code large} so it can be excluded
     * ({@code -DexcludedGroups=large}); the default build runs it.
     */
    @Test
    @Tag("large")
    void aOneGibibyteFileRoundTrips() throws IOException {
        long size = 1024 * MIB;
        Path source = tmp.resolve("1g.bin");
        String written = writeStreamed(source, size, 1234);
        URI u = url("large/1g.bin");
        try (JcloudsFiler defaults = s3.filer(Map.of())) {
            assertEquals(size, defaults.upload(source, u));
            BlobMetadata md = s3.backend().blobMetadata(bucket, "large/1g.bin");
            assertEquals(size, md.getContentMetadata().getContentLength());
            assertTrue(md.getETag().replace("\"", "").endsWith("-32"), md.getETag());
            Files.delete(source); // keep the disk use at two copies
            Path back = tmp.resolve("back/1g.bin");
            assertEquals(size, defaults.download(u, back));
            assertEquals(written, sha256(back));
        } finally {
            s3.backend().removeBlob(bucket, "large/1g.bin");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static ErgonException expect(ErrorKind kind, Executable call) {
        ErgonException e = assertThrows(ErgonException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static byte[] readBackend(URI u) throws IOException {
        try (InputStream in = s3.backend()
                .getBlob(bucket, u.getPath().substring(1))
                .getPayload()
                .openStream()) {
            return in.readAllBytes();
        }
    }

    private static Path randomFile(Path p, long size, long seed) throws IOException {
        writeStreamed(p, size, seed);
        return p;
    }

    /** Writes {@code size} pseudo-random bytes in 1 MiB blocks; returns their SHA-256. */
    private static String writeStreamed(Path p, long size, long seed) throws IOException {
        Files.createDirectories(p.getParent());
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = digest("SHA-256");
        byte[] block = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                for (int i = 0; i < n; i += 8) {
                    long r = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        block[i + j] = (byte) (r >>> (8 * j));
                    }
                }
                sha.update(block, 0, n);
                out.write(block, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path p) throws IOException {
        return hashOf(p, "SHA-256");
    }

    private static String md5Hex(Path p) throws IOException {
        return hashOf(p, "MD5");
    }

    private static String hashOf(Path p, String algorithm) throws IOException {
        MessageDigest d = digest(algorithm);
        byte[] buf = new byte[(int) MIB];
        try (InputStream in = Files.newInputStream(p)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                d.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> filesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
