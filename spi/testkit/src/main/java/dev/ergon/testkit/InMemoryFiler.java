package dev.ergon.testkit;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * The reference filer: objects live in a map in memory, keyed by URL. Passes {@link
 * FilerContract}. Serves one scheme ({@code mem} unless told otherwise) and the capabilities it
 * is given, so tests can also model a filer that cannot list or write. Thread-safe.
 *
 * <p>Unlike a real filer it holds whole objects in memory: use it for small test files only.
 */
public final class InMemoryFiler implements Filer {
    private final String scheme;
    private final Set<FilerCapability> capabilities;
    private final ConcurrentMap<String, byte[]> objects = new ConcurrentHashMap<>();

    /** A filer for {@code mem://} URLs that can read, write and list. */
    public InMemoryFiler() {
        this("mem");
    }

    /** A filer for {@code scheme} URLs that can read, write and list. */
    public InMemoryFiler(String scheme) {
        this(scheme, EnumSet.allOf(FilerCapability.class));
    }

    /** A filer for {@code scheme} URLs with only {@code capabilities}. */
    public InMemoryFiler(String scheme, Set<FilerCapability> capabilities) {
        this.scheme = requireNonNull(scheme, "scheme is null").toLowerCase(Locale.ROOT);
        this.capabilities = Set.copyOf(requireNonNull(capabilities, "capabilities is null"));
    }

    @Override
    public Set<String> schemes() {
        return Set.of(scheme);
    }

    @Override
    public Set<FilerCapability> capabilities() {
        return capabilities.isEmpty() ? Set.of() : EnumSet.copyOf(capabilities);
    }

    @Override
    public Optional<FileStat> stat(URI uri) {
        String key = check(uri, FilerCapability.READ);
        return Optional.ofNullable(objects.get(key)).map(b -> new FileStat(uri, b.length, Optional.empty()));
    }

    @Override
    public long download(URI source, Path target) {
        String key = check(source, FilerCapability.READ);
        requireNonNull(target, "target is null");
        byte[] bytes = objects.get(key);
        if (bytes == null) {
            throw ErgonException.notFound(source + ": no such object");
        }
        writeReplacing(bytes, target, source);
        return bytes.length;
    }

    @Override
    public long upload(Path source, URI target) {
        String key = check(target, FilerCapability.WRITE);
        requireNonNull(source, "source is null");
        try {
            byte[] bytes = Files.readAllBytes(source);
            objects.put(key, bytes);
            return bytes.length;
        } catch (NoSuchFileException e) {
            throw ErgonException.notFound("local file " + source + " does not exist");
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot read local file " + source + ": " + e, e);
        }
    }

    @Override
    public List<FileStat> list(URI prefix) {
        String key = check(prefix, FilerCapability.LIST);
        String under = stripTrailingSlashes(key) + "/";
        return objects.entrySet().stream()
                .filter(e -> e.getKey().startsWith(under))
                .map(e -> new FileStat(URI.create(e.getKey()), e.getValue().length, Optional.empty()))
                .sorted((a, b) -> a.uri().toString().compareTo(b.uri().toString()))
                .toList();
    }

    /** Stores {@code bytes} at {@code uri} directly, whatever the capabilities (test set-up). */
    public void put(URI uri, byte[] bytes) {
        objects.put(key(uri), bytes.clone());
    }

    /** The bytes stored at {@code uri}, whatever the capabilities (test assertions). */
    public Optional<byte[]> get(URI uri) {
        return Optional.ofNullable(objects.get(key(uri))).map(byte[]::clone);
    }

    /** The URLs of all stored objects, sorted. */
    public Set<String> urls() {
        return objects.keySet().stream().collect(Collectors.toCollection(TreeSet::new));
    }

    /** Removes every object. */
    public void clear() {
        objects.clear();
    }

    private String check(URI uri, FilerCapability needed) {
        String key = key(uri);
        if (!capabilities.contains(needed)) {
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT,
                    uri + ": the '" + scheme + "' filer cannot " + needed + " (capabilities: " + capabilities() + ")");
        }
        return key;
    }

    private String key(URI uri) {
        requireNonNull(uri, "uri is null");
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(scheme)) {
            throw new ErgonException(ErrorKind.INVALID_INPUT, uri + ": not a " + scheme + ":// URL");
        }
        URI n = uri.normalize();
        return scheme + n.toString().substring(n.getScheme().length());
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Writes to a temporary file beside {@code target}, then moves it into place. */
    private static void writeReplacing(byte[] bytes, Path target, URI source) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            if (Files.isDirectory(target)) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT, "cannot download " + source + ": " + target + " is a directory");
            }
            tmp = Files.createTempFile(dir, ".ergon-", ".part");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot write " + target + " for " + source + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the error that brought us here is what matters
                }
            }
        }
    }
}
