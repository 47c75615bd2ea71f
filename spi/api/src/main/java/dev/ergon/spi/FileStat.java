package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * What a {@link Filer} knows about one object or file.
 *
 * @param uri its full URL
 * @param sizeBytes its size in bytes
 * @param checksum a store checksum such as {@code md5:…} or an ETag, if the store offers one
 */
public record FileStat(URI uri, long sizeBytes, Optional<String> checksum) {
    public FileStat {
        requireNonNull(uri, "uri is null");
        requireNonNull(checksum, "checksum is null");
    }
}
