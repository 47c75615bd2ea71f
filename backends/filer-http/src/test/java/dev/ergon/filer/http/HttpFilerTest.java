package dev.ergon.filer.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.testkit.TestProviderContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class HttpFilerTest {
    @TempDir
    Path tmp;

    private final TestHttpServer server = new TestHttpServer();
    private final HttpFiler filer = new HttpFiler(
            new HttpFilerConfig(Duration.ofSeconds(10), Duration.ofMinutes(10), 3, Duration.ofMillis(10), 0));

    HttpFilerTest() throws IOException {}

    @AfterEach
    void stop() {
        filer.close();
        server.close();
    }

    private URI url(String path) {
        return server.base().resolve(path);
    }

    private URI withCredentials(String path) {
        return URI.create("http://user:s3cret@127.0.0.1:" + server.port() + path);
    }

    @Test
    void followsRedirects() throws IOException {
        server.files.put("/files/moved/a.txt", "moved content".getBytes(UTF_8));
        Path target = tmp.resolve("a.txt");
        assertEquals(13, filer.download(url("/redirect/moved/a.txt"), target));
        assertEquals("moved content", Files.readString(target));
    }

    @Test
    void notFoundNamesTheUrlAndLeavesNoFile() {
        URI u = url("/files/nope.txt");
        ErgonException e = expect(ErrorKind.NOT_FOUND, () -> filer.download(u, tmp.resolve("out/nope.txt")));
        assertTrue(e.getMessage().contains(u.toString()), e.getMessage());
        assertEquals(List.of(), filesUnder(tmp));
        assertEquals(Optional.empty(), filer.stat(u));
    }

    @Test
    void serverErrorsAreRetryable() {
        expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.download(url("/status/500/x"), tmp.resolve("x")));
        expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.stat(url("/status/503/x")));
        expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.upload(file("up.txt", "x"), url("/status/502/x")));
        expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.download(url("/status/429/x"), tmp.resolve("x")));
        assertEquals(
                List.of(Path.of("up.txt")),
                filesUnder(tmp).stream().map(tmp::relativize).toList());
    }

    @Test
    void aDroppedDownloadResumesWithARangeRequest() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(data);
        server.files.put("/files/big.bin", data);
        int rangedBefore = server.ranged.get();
        Path target = tmp.resolve("big.bin");
        assertEquals(data.length, filer.download(url("/flaky/2/big.bin"), target));
        assertArrayEquals(data, Files.readAllBytes(target));
        assertTrue(server.ranged.get() > rangedBefore, "the download should have resumed with Range");
    }

    @Test
    void aDownloadThatKeepsDroppingGivesUpNamingTheAttempts() {
        server.files.put("/files/drops.bin", new byte[100_000]);
        ErgonException e = expect(
                ErrorKind.BACKEND_UNAVAILABLE, () -> filer.download(url("/flaky/99/drops.bin"), tmp.resolve("d")));
        assertTrue(e.getMessage().contains("gave up after 4 attempts"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void transientErrorsAreRetriedByTheFiler() throws IOException {
        server.files.put("/files/later.txt", "later".getBytes(UTF_8));
        assertEquals(5, filer.download(url("/unavailable/2/later.txt"), tmp.resolve("later.txt")));
        assertEquals("later", Files.readString(tmp.resolve("later.txt")));
        filer.upload(file("put.txt", "put"), url("/unavailable/2/put.txt"));
        assertArrayEquals("put".getBytes(UTF_8), server.files.get("/files/put.txt"));
    }

    @Test
    void downloadsOverTheSizeLimitAreRefused() {
        server.files.put("/files/huge.bin", new byte[10_000]);
        try (HttpFiler limited = new HttpFiler(
                new HttpFilerConfig(Duration.ofSeconds(5), Duration.ofMinutes(1), 0, Duration.ofMillis(10), 1000))) {
            ErgonException e =
                    expect(ErrorKind.INVALID_INPUT, () -> limited.download(url("/files/huge.bin"), tmp.resolve("h")));
            assertTrue(e.getMessage().contains("max-bytes"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("h")));
        }
    }

    @Test
    void refusedCredentialsAreInvalidInput() {
        ErgonException e =
                expect(ErrorKind.INVALID_INPUT, () -> filer.download(url("/status/403/x"), tmp.resolve("x")));
        assertTrue(e.getMessage().contains("access denied"), e.getMessage());
        expect(ErrorKind.INVALID_INPUT, () -> filer.download(url("/auth/x"), tmp.resolve("x")));
    }

    @Test
    void aClosedPortIsBackendUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI u = URI.create("http://127.0.0.1:" + port + "/x");
        ErgonException e = expect(ErrorKind.BACKEND_UNAVAILABLE, () -> filer.download(u, tmp.resolve("x")));
        assertTrue(e.getMessage().startsWith(u + ": GET failed"), e.getMessage());
    }

    @Test
    void credentialsInTheUrlAreSentButNeverShown() throws IOException {
        server.files.put("/auth/secret.txt", "classified".getBytes(UTF_8));
        assertEquals(10, filer.download(withCredentials("/auth/secret.txt"), tmp.resolve("s.txt")));
        assertEquals(
                Optional.of(TestHttpServer.GOOD_AUTH), server.requests.getLast().authorization());
        assertEquals(
                10,
                filer.stat(withCredentials("/auth/secret.txt")).orElseThrow().sizeBytes());
        filer.upload(file("up.txt", "up"), withCredentials("/auth/up.txt"));
        assertEquals("up", new String(server.files.get("/auth/up.txt"), UTF_8));

        for (Executable call : List.<Executable>of(
                () -> filer.download(withCredentials("/status/404/x"), tmp.resolve("x")),
                () -> filer.download(withCredentials("/status/500/x"), tmp.resolve("x")),
                () -> filer.stat(withCredentials("/status/403/x")),
                () -> filer.upload(tmp.resolve("s.txt"), withCredentials("/status/401/x")),
                () -> filer.list(withCredentials("/files/dir")))) {
            ErgonException e = assertThrows(ErgonException.class, call);
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertFalse(e.getMessage().contains("user:"), e.getMessage());
            assertTrue(e.getMessage().contains("http://***@127.0.0.1:" + server.port() + "/"), e.getMessage());
        }
        ErgonException e = expect(
                ErrorKind.NOT_FOUND,
                () -> filer.download(
                        url("/status/404/x?X-Amz-Credential=AKIA123&X-Amz-Signature=deadbeef"), tmp.resolve("x")));
        assertFalse(e.getMessage().contains("deadbeef") || e.getMessage().contains("AKIA123"), e.getMessage());
        assertTrue(e.getMessage().contains("X-Amz-Signature=***"), e.getMessage());
    }

    @Test
    void credentialsAreNotSentToAnotherOriginAfterARedirect() throws IOException {
        try (TestHttpServer other = new TestHttpServer()) {
            other.files.put("/files/a.txt", "elsewhere".getBytes(UTF_8));
            server.files.put("/auth/b.txt", "here".getBytes(UTF_8));
            URI u = withCredentials("/redirect-to/" + other.port() + "/files/a.txt");
            assertEquals(9, filer.download(u, tmp.resolve("a.txt")));
            assertEquals(
                    Optional.of(TestHttpServer.GOOD_AUTH),
                    server.requests.getLast().authorization());
            assertEquals(Optional.empty(), other.requests.getLast().authorization());
            // back on the credentials' own origin they are sent again
            URI back = withCredentials("/redirect-to/" + server.port() + "/auth/b.txt");
            assertEquals(4, filer.download(back, tmp.resolve("b.txt")));
        }
    }

    @Test
    void statUsesHead() {
        server.files.put("/files/s.bin", new byte[1234]);
        FileStat s = filer.stat(url("/files/s.bin")).orElseThrow();
        assertEquals(1234, s.sizeBytes());
        assertTrue(s.checksum().orElseThrow().startsWith("\""), s.toString());
        assertEquals("HEAD", server.requests.getLast().method());
    }

    @Test
    void listingIsNotSupported() {
        URI u = url("/files/dir");
        ErgonException e = expect(ErrorKind.INVALID_INPUT, () -> filer.list(u));
        assertEquals(u + ": http(s) URLs cannot be listed; use a FILE input", e.getMessage());
    }

    @Test
    void otherSchemesAreInvalid() {
        expect(ErrorKind.INVALID_INPUT, () -> filer.stat(URI.create("ftp://host/x")));
        expect(ErrorKind.INVALID_INPUT, () -> filer.stat(URI.create("http:opaque")));
    }

    @Test
    void aSlowServerTimesOut() {
        try (HttpFiler impatient = new HttpFiler(
                new HttpFilerConfig(Duration.ofSeconds(5), Duration.ofMillis(300), 0, Duration.ofMillis(10), 0))) {
            ErgonException e =
                    expect(ErrorKind.BACKEND_UNAVAILABLE, () -> impatient.download(url("/slow/x"), tmp.resolve("x")));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void providerReadsTimeoutsAndRejectsBadOnesNamingTheFullKey() {
        HttpFilerProvider provider = new HttpFilerProvider();
        try (Filer f = provider.create(new TestProviderContext(
                "ergon.filer.http.", Map.of("connect-timeout", "2s", "timeout", "PT1M"), tmp))) {
            assertEquals(java.util.Set.of("http", "https"), f.schemes());
        }
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> provider.create(new TestProviderContext("ergon.filer.http.", Map.of("timeout", "0s"), tmp)));
        assertEquals(Optional.of("ergon.filer.http.timeout"), e.field());
        e = assertThrows(
                ErgonException.class,
                () -> provider.create(
                        new TestProviderContext("ergon.filer.http.", Map.of("connect-timeout", "soon"), tmp)));
        assertEquals(Optional.of("ergon.filer.http.connect-timeout"), e.field());
    }

    private static ErgonException expect(ErrorKind kind, Executable call) {
        ErgonException e = assertThrows(ErgonException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
