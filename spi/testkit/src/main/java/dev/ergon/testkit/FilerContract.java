package dev.ergon.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Filer} must do. Subclasses give the filer and a writable location; every
 * test works below its own fresh sub-location, so tests do not depend on order.
 *
 * <p>Capabilities are checked, not skipped: a filer without {@link FilerCapability#WRITE},
 * {@link FilerCapability#READ} or {@link FilerCapability#LIST} must reject the matching call
 * with {@link ErrorKind#INVALID_INPUT} naming the URL. A read-only filer overrides {@link
 * #putObject} so the read tests have something to read.
 */
public abstract class FilerContract {
    private static final int FIVE_MB = 5 * 1024 * 1024;

    /** A local folder for this test's files, deleted afterwards. */
    @TempDir
    protected Path local;

    private URI testBase;

    /** The filer under test; may be the same instance for every test. */
    protected abstract Filer filer();

    /**
     * A writable location unique to the test class, e.g. {@code s3://bucket/contract-1234}; each
     * test uses a fresh sub-location of it.
     */
    protected abstract URI baseUri();

    /** Stores {@code bytes} at {@code uri}. The default uploads through {@link #filer()}. */
    protected void putObject(URI uri, byte[] bytes) {
        try {
            Path f = Files.createTempFile(local, "put-", ".bin");
            Files.write(f, bytes);
            filer().upload(f, uri);
            Files.delete(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void freshLocation(TestInfo info) {
        String test = info.getTestMethod().map(m -> m.getName()).orElse("test");
        testBase = child(baseUri(), test + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** {@code relative} (slash-separated, URL-safe) below this test's own location. */
    protected final URI uri(String relative) {
        return child(testBase, relative);
    }

    @Test
    public void schemesAreNonEmptyAndLowerCase() {
        assertFalse(filer().schemes().isEmpty(), "schemes() is empty");
        for (String s : filer().schemes()) {
            assertTrue(s.matches("[a-z][a-z0-9+.-]*"), "scheme '" + s + "' is not a lower-case URL scheme");
        }
        assertTrue(
                filer().schemes().contains(baseUri().getScheme().toLowerCase(Locale.ROOT)),
                "schemes() " + filer().schemes() + " does not contain the scheme of " + baseUri());
    }

    @Test
    public void roundTripsASmallFile() {
        roundTrip("small", "hello, ergon\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void roundTripsAnEmptyFile() {
        roundTrip("empty", new byte[0]);
    }

    @Test
    public void roundTripsAFiveMegabyteFile() {
        roundTrip("large.bin", randomBytes(FIVE_MB, 42));
    }

    @Test
    public void uploadReplacesAnExistingObject() {
        URI u = uri("replaced.txt");
        Path first = localFile("first", "the first, longer version".getBytes(StandardCharsets.UTF_8));
        Path second = localFile("second", "second".getBytes(StandardCharsets.UTF_8));
        if (!can(FilerCapability.WRITE)) {
            assertRejected(FilerCapability.WRITE, u, () -> filer().upload(first, u));
            return;
        }
        filer().upload(first, u);
        filer().upload(second, u);
        if (can(FilerCapability.READ)) {
            Path got = local.resolve("got");
            filer().download(u, got);
            assertArrayEquals(bytesOf(second), bytesOf(got), "upload did not replace the object");
        }
    }

    @Test
    public void statReturnsTheSize() {
        URI u = uri("stat/a.bin");
        byte[] bytes = randomBytes(1234, 7);
        putObject(u, bytes);
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, u, () -> filer().stat(u));
            return;
        }
        Optional<FileStat> stat = filer().stat(u);
        assertTrue(stat.isPresent(), "stat of an existing object is empty: " + u);
        assertEquals(bytes.length, stat.get().sizeBytes(), "size of " + u);
        assertEquals(key(u), key(stat.get().uri()), "stat names another URL");
    }

    @Test
    public void statOfAMissingObjectIsEmpty() {
        URI u = uri("no/such/object");
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, u, () -> filer().stat(u));
            return;
        }
        assertEquals(Optional.empty(), filer().stat(u));
    }

    @Test
    public void downloadOfAMissingObjectIsNotFoundNamingTheUrlAndLeavesNoFile() {
        URI u = uri("missing.txt");
        Path target = local.resolve("missing-target/sub/out.txt");
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, u, () -> filer().download(u, target));
            return;
        }
        ErgonException e = assertThrows(ErgonException.class, () -> filer().download(u, target));
        assertEquals(ErrorKind.NOT_FOUND, e.kind(), "kind of: " + e.getMessage());
        assertTrue(e.getMessage().contains(u.toString()), "message does not name " + u + ": " + e.getMessage());
        assertFalse(Files.exists(target), "a target file was left behind");
        if (Files.isDirectory(target.getParent())) {
            assertEquals(List.of(), filesUnder(target.getParent()), "temporary files were left behind");
        }
    }

    @Test
    public void downloadCreatesParentFoldersAndReplacesAnExistingFile() throws IOException {
        URI u = uri("replace-me.txt");
        byte[] bytes = "new".getBytes(StandardCharsets.UTF_8);
        putObject(u, bytes);
        Path target = local.resolve("a/b/c/target.txt");
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, u, () -> filer().download(u, target));
            return;
        }
        assertEquals(bytes.length, filer().download(u, target));
        assertArrayEquals(bytes, bytesOf(target));
        Files.writeString(target, "an older and longer content");
        assertEquals(bytes.length, filer().download(u, target));
        assertArrayEquals(bytes, bytesOf(target), "download did not replace the existing file");
        assertEquals(List.of(target), filesUnder(target.getParent()), "temporary files were left behind");
    }

    @Test
    public void listReturnsEveryObjectUnderThePrefixRecursively() {
        Map<String, Integer> under = new TreeMap<>();
        under.put("dir/a.txt", 1);
        under.put("dir/sub/b.txt", 22);
        under.put("dir/sub/deeper/c.txt", 333);
        under.forEach((rel, size) -> putObject(uri(rel), randomBytes(size, size)));
        putObject(uri("dir2/sibling.txt"), randomBytes(5, 5));
        putObject(uri("dir.txt"), randomBytes(6, 6));
        URI prefix = uri("dir");
        if (!can(FilerCapability.LIST)) {
            assertRejected(FilerCapability.LIST, prefix, () -> filer().list(prefix));
            return;
        }
        Map<String, Long> expected = new TreeMap<>();
        under.forEach((rel, size) -> expected.put(key(uri(rel)), (long) size));
        Map<String, Long> got = new TreeMap<>();
        for (FileStat s : filer().list(prefix)) {
            got.put(key(s.uri()), s.sizeBytes());
        }
        assertEquals(expected, got, "list(" + prefix + ")");
    }

    @Test
    public void listOfAMissingPrefixIsEmpty() {
        URI prefix = uri("nothing-here");
        if (!can(FilerCapability.LIST)) {
            assertRejected(FilerCapability.LIST, prefix, () -> filer().list(prefix));
            return;
        }
        assertEquals(List.of(), filer().list(prefix));
    }

    @Test
    public void concurrentTransfersDoNotInterfere() throws Exception {
        int n = 8;
        List<URI> uris = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            uris.add(uri("parallel/" + i + ".bin"));
            contents.add(randomBytes(64 * 1024 + i, i));
        }
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, uris.get(0), () -> filer().download(uris.get(0), local.resolve("x")));
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int j = i;
                puts.add(pool.submit(() -> putObject(uris.get(j), contents.get(j))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
            List<Future<byte[]>> gets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int j = i;
                gets.add(pool.submit(() -> {
                    Path target = local.resolve("parallel/" + j + ".bin");
                    filer().download(uris.get(j), target);
                    return bytesOf(target);
                }));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(contents.get(i), gets.get(i).get(), "object " + uris.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aUrlOfAnotherSchemeIsInvalidInput() {
        URI other = URI.create("no-such-scheme://somewhere/file.txt");
        ErgonException e = assertThrows(ErgonException.class, () -> filer().stat(other));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), "kind of: " + e.getMessage());
    }

    private void roundTrip(String name, byte[] bytes) {
        URI u = uri(name);
        Path source = localFile("source-" + name, bytes);
        Path target = local.resolve("downloaded/" + name);
        if (!can(FilerCapability.WRITE)) {
            assertRejected(FilerCapability.WRITE, u, () -> filer().upload(source, u));
            putObject(u, bytes);
        } else {
            assertEquals(bytes.length, filer().upload(source, u), "bytes written by upload");
        }
        if (!can(FilerCapability.READ)) {
            assertRejected(FilerCapability.READ, u, () -> filer().download(u, target));
            return;
        }
        assertEquals(bytes.length, filer().download(u, target), "bytes written by download");
        assertArrayEquals(bytes, bytesOf(target), "bytes differ after a round trip through " + u);
        assertEquals(bytes.length, filer().stat(u).orElseThrow().sizeBytes(), "stat size of " + u);
    }

    private boolean can(FilerCapability c) {
        return filer().capabilities().contains(c);
    }

    private static void assertRejected(FilerCapability missing, URI u, Executable call) {
        ErgonException e = assertThrows(
                ErgonException.class, call, "a filer without " + missing + " must reject the call with INVALID_INPUT");
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), "kind for a missing " + missing + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(u.toString()), "message does not name " + u + ": " + e.getMessage());
    }

    private Path localFile(String name, byte[] bytes) {
        try {
            Path f = local.resolve("src").resolve(name);
            Files.createDirectories(f.getParent());
            return Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytesOf(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static URI child(URI base, String relative) {
        String s = base.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s + "/" + relative);
    }

    /** Compares URLs by scheme, authority and path, so {@code file:/x} equals {@code file:///x}. */
    private static String key(URI u) {
        return u.getScheme().toLowerCase(Locale.ROOT) + "://" + Objects.toString(u.getRawAuthority(), "")
                + u.normalize().getRawPath();
    }
}
