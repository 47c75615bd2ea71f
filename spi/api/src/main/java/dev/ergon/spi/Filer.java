package dev.ergon.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Moves files between a storage system and the local file system, for the URL schemes it
 * serves. Streams: never holds a whole file in memory. Thread-safe.
 *
 * <p>Errors: a missing object is {@link ErrorKind#NOT_FOUND}; refused credentials or a bad URL
 * {@link ErrorKind#INVALID_INPUT}; a transient failure (connection lost, 5xx) {@link
 * ErrorKind#BACKEND_UNAVAILABLE}, which callers may retry. Messages name the URL and never
 * contain secrets.
 */
public interface Filer extends AutoCloseable {
    /** The URL schemes served, lower case, e.g. {@code file}, {@code s3}. */
    Set<String> schemes();

    /** What this filer can do. */
    Set<FilerCapability> capabilities();

    /** The object at {@code uri}, or empty if there is none. */
    Optional<FileStat> stat(URI uri);

    /**
     * Copies the object at {@code source} to {@code target}, creating parent folders and
     * replacing {@code target}. A partial file is never left at {@code target}.
     *
     * @return the number of bytes written
     */
    long download(URI source, Path target);

    /**
     * Copies {@code source} to {@code target}, replacing what is there.
     *
     * @return the number of bytes written
     */
    long upload(Path source, URI target);

    /**
     * Every object whose URL starts with {@code prefix} followed by {@code /} (recursively), for
     * directory inputs. Empty when there are none.
     */
    List<FileStat> list(URI prefix);

    @Override
    default void close() {}
}
