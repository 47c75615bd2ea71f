package dev.ergon.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.testkit.TestProviderContext;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFilerTest {
    @TempDir
    Path tmp;

    @Test
    void aUrlOutsideTheAllowedRootsIsInvalidInputNamingTheUrl() throws IOException {
        Path allowed = Files.createDirectories(tmp.resolve("allowed"));
        Path elsewhere = Files.writeString(
                Files.createDirectories(tmp.resolve("elsewhere")).resolve("secret.txt"), "x");
        FileFiler filer = new FileFiler(new FileFilerConfig(List.of(allowed)));
        URI url = elsewhere.toUri();
        ErgonException e = assertThrows(ErgonException.class, () -> filer.download(url, tmp.resolve("out")));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(url.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ergon.filer.file.allowed-roots"), e.getMessage());
        // '..' and links are resolved before the check.
        URI dotDot = URI.create(allowed.toUri() + "../elsewhere/secret.txt");
        assertEquals(
                ErrorKind.INVALID_INPUT,
                assertThrows(ErgonException.class, () -> filer.stat(dotDot)).kind());
        Files.createSymbolicLink(allowed.resolve("link.txt"), elsewhere);
        URI viaLink = allowed.resolve("link.txt").toUri();
        assertEquals(
                ErrorKind.INVALID_INPUT,
                assertThrows(ErgonException.class, () -> filer.download(viaLink, tmp.resolve("o")))
                        .kind());
        // Inside the root all is well, also for a target that does not exist yet.
        Path in = Files.writeString(allowed.resolve("in.txt"), "hello");
        assertEquals(5, filer.download(in.toUri(), tmp.resolve("copy.txt")));
        assertEquals(5, filer.upload(in, allowed.resolve("new/sub/out.txt").toUri()));
    }

    @Test
    void providerReadsAllowedRootsAndRejectsRelativeOnesNamingTheFullKey() throws IOException {
        Path allowed = Files.createDirectories(tmp.resolve("data"));
        FileFilerProvider provider = new FileFilerProvider();
        Filer filer = provider.create(new TestProviderContext(
                "ergon.filer.file.",
                Map.of("allowed-roots", allowed + ", " + tmp.resolve("other").toUri()),
                tmp));
        assertThrows(ErgonException.class, () -> filer.stat(tmp.resolve("x").toUri()));
        assertEquals(java.util.Optional.empty(), filer.stat(allowed.resolve("x").toUri()));
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> provider.create(
                        new TestProviderContext("ergon.filer.file.", Map.of("allowed-roots", "relative/dir"), tmp)));
        assertEquals("ergon.filer.file.allowed-roots", e.field().orElseThrow());
        assertTrue(e.getMessage().startsWith("ergon.filer.file.allowed-roots: 'relative/dir'"), e.getMessage());
    }

    @Test
    void aMissingSourceIsNotFoundAndAFolderSourceIsInvalid() throws IOException {
        FileFiler filer = new FileFiler();
        URI missing = tmp.resolve("nope.txt").toUri();
        ErgonException e = assertThrows(ErgonException.class, () -> filer.download(missing, tmp.resolve("out")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        assertEquals(
                ErrorKind.INVALID_INPUT,
                assertThrows(ErgonException.class, () -> filer.download(dir.toUri(), tmp.resolve("o")))
                        .kind());
        assertEquals(
                ErrorKind.NOT_FOUND,
                assertThrows(
                                ErgonException.class,
                                () -> filer.upload(
                                        tmp.resolve("none"), tmp.resolve("t").toUri()))
                        .kind());
    }

    @Test
    void malformedFileUrlsAreInvalid() {
        FileFiler filer = new FileFiler();
        for (String bad : List.of("file:relative.txt", "file://otherhost/x", "file:///x?y=1", "s3://bucket/key")) {
            ErgonException e = assertThrows(ErgonException.class, () -> filer.stat(URI.create(bad)), bad);
            assertEquals(ErrorKind.INVALID_INPUT, e.kind(), bad);
            assertTrue(e.getMessage().startsWith(bad.replace("?y=1", "?y=***")), e.getMessage());
        }
        assertEquals(
                java.util.Optional.empty(),
                filer.stat(URI.create(
                        "file://localhost" + tmp.resolve("none").toUri().getPath())));
    }

    @Test
    void listSkipsTemporaryFilesAndEncodesNames() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("d/sub dir"));
        Files.writeString(dir.resolve("a b#1.txt"), "abc");
        Files.writeString(dir.resolve(".ergon-123.part"), "partial");
        FileFiler filer = new FileFiler();
        List<FileStat> got = filer.list(tmp.resolve("d").toUri());
        assertEquals(1, got.size(), got.toString());
        FileStat s = got.get(0);
        assertEquals(3, s.sizeBytes());
        assertEquals(dir.resolve("a b#1.txt").toString(), Path.of(s.uri()).toString());
        assertTrue(
                s.uri().toString().endsWith("/d/sub%20dir/a%20b%231.txt"),
                s.uri().toString());
    }
}
