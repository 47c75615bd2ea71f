package dev.ergon.staging;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Serves {@code file:///abs/path} URLs: files on a file system Ergon's process can reach (a
 * local disk, an NFS or Lustre mount). Copies go through a temporary file beside the target and
 * an atomic move, so a reader never sees a partial file. Thread-safe.
 *
 * <p>With {@link FileFilerConfig#allowedRoots()} set, a URL whose real path (symbolic links
 * resolved) lies outside every root is {@link ErrorKind#INVALID_INPUT}: tasks must not read or
 * overwrite arbitrary files of the host.
 */
public final class FileFiler implements Filer {
    private final List<Path> allowedRoots;

    /** A filer that may read and write any path the process can. */
    public FileFiler() {
        this(FileFilerConfig.unrestricted());
    }

    public FileFiler(FileFilerConfig config) {
        this.allowedRoots = requireNonNull(config, "config is null").allowedRoots();
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public Set<FilerCapability> capabilities() {
        return EnumSet.of(FilerCapability.READ, FilerCapability.WRITE, FilerCapability.LIST);
    }

    @Override
    public Optional<FileStat> stat(URI uri) {
        Path p = toPath(uri);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(new FileStat(uri, a.size(), Optional.empty())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(uri, "cannot read", e);
        }
    }

    @Override
    public long download(URI source, Path target) {
        Path from = toPath(source);
        requireNonNull(target, "target is null");
        if (Files.isDirectory(from)) {
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT, Urls.redact(source) + ": is a directory; use a DIRECTORY input");
        }
        if (!Files.exists(from)) {
            throw ErgonException.notFound(Urls.redact(source) + ": no such file");
        }
        try {
            return LocalFiles.copyReplacing(from, target);
        } catch (NoSuchFileException e) {
            // Gone between the check and the copy, or the target's folder cannot be created.
            if (!Files.exists(from)) {
                throw ErgonException.notFound(Urls.redact(source) + ": no such file");
            }
            throw failure(source, "cannot download to " + target, e);
        } catch (IOException e) {
            throw failure(source, "cannot download to " + target, e);
        }
    }

    @Override
    public long upload(Path source, URI target) {
        requireNonNull(source, "source is null");
        Path to = toPath(target);
        if (!Files.isRegularFile(source)) {
            throw ErgonException.notFound("local file " + source + " does not exist or is not a regular file");
        }
        try {
            return LocalFiles.copyReplacing(source, to);
        } catch (IOException e) {
            throw failure(target, "cannot upload " + source, e);
        }
    }

    @Override
    public List<FileStat> list(URI prefix) {
        Path dir = toPath(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String base = Urls.stripTrailingSlashes(prefix.toString());
        List<FileStat> found = new ArrayList<>();
        // Files.walk does not follow symbolic links to folders; links to files are listed and
        // checked against the allowed roots when they are downloaded.
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile)
                    .filter(p -> !LocalFiles.isTempFile(p))
                    .sorted()
                    .toList()) {
                String relative = relativeSlashPath(dir, p);
                found.add(new FileStat(Urls.child(base, relative), Files.size(p), Optional.empty()));
            }
        } catch (UncheckedIOException e) {
            throw failure(prefix, "cannot list", e.getCause());
        } catch (IOException e) {
            throw failure(prefix, "cannot list", e);
        }
        return List.copyOf(found);
    }

    /** The local path of {@code uri}, normalised and checked against the allowed roots. */
    Path toPath(URI uri) {
        requireNonNull(uri, "uri is null");
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("file")) {
            throw invalid(uri, "not a file:// URL");
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw invalid(uri, "must be an absolute file URL such as file:///data/input.txt");
        }
        String host = uri.getAuthority();
        if (host != null && !host.equalsIgnoreCase("localhost")) {
            throw invalid(uri, "file URLs naming a host are not supported; use file:///path");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(uri, "file URLs must not have a query or fragment");
        }
        Path p;
        try {
            p = Path.of(uri.getPath()).normalize();
        } catch (InvalidPathException e) {
            throw invalid(uri, "not a valid path: " + e.getReason());
        }
        checkAllowed(uri, p);
        return p;
    }

    private void checkAllowed(URI uri, Path p) {
        if (allowedRoots.isEmpty()) {
            return;
        }
        Path real = realPathOfNearestExisting(uri, p);
        for (Path root : allowedRoots) {
            if (real.startsWith(realPathOfNearestExisting(uri, root))) {
                return;
            }
        }
        throw invalid(
                uri,
                "is not under an allowed root (" + FileFilerConfig.PREFIX + FileFilerConfig.ALLOWED_ROOTS + ": "
                        + allowedRoots.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")");
    }

    /** The real path (links resolved) of {@code p}'s deepest existing ancestor, plus the rest. */
    private static Path realPathOfNearestExisting(URI uri, Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            // A dangling link or an unreadable folder: judge by the path as written.
            return p;
        }
    }

    private static String relativeSlashPath(Path dir, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : dir.relativize(file)) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static ErgonException invalid(URI uri, String reason) {
        return new ErgonException(ErrorKind.INVALID_INPUT, Urls.redact(uri) + ": " + reason);
    }

    private static ErgonException failure(URI uri, String what, IOException e) {
        String url = Urls.redact(uri);
        if (e instanceof AccessDeniedException) {
            return new ErgonException(
                    ErrorKind.INVALID_INPUT, url + ": " + what + ": access denied to " + e.getMessage(), e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new ErgonException(ErrorKind.INVALID_INPUT, url + ": " + what + ": " + e.getMessage(), e);
        }
        // File systems Ergon reads through this filer may be network mounts: treat other I/O
        // errors as transient so staging retries them.
        return new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, url + ": " + what + ": " + e, e);
    }
}
