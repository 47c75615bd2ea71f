package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One task output (TES {@code tesOutput}), validated.
 *
 * @param name user-provided name, if any
 * @param url where to upload it; for a wildcard {@code path} the URL prefix that each matched
 *     file's path relative to {@code pathPrefix} is appended to
 * @param path absolute container path; may contain the wildcards {@code *} and {@code ?}
 * @param pathPrefix for wildcard paths, the prefix removed from each matched path before it is
 *     appended to {@code url}
 * @param type file or directory
 */
public record OutputSpec(Optional<String> name, String url, String path, Optional<String> pathPrefix, FileType type) {
    public OutputSpec {
        requireNonNull(name, "name is null");
        requireNonNull(url, "url is null");
        requireNonNull(path, "path is null");
        requireNonNull(pathPrefix, "pathPrefix is null");
        requireNonNull(type, "type is null");
    }

    /** Whether {@link #path()} contains a wildcard. */
    public boolean isWildcard() {
        return path.indexOf('*') >= 0 || path.indexOf('?') >= 0;
    }
}
