package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One task input (TES {@code tesInput}), validated.
 *
 * @param name user-provided name, if any
 * @param url where to fetch it from; empty when {@code content} is given
 * @param path absolute container path to place it at
 * @param type file or directory
 * @param content inline content (at most the size Ergon accepts); empty when {@code url} is given
 * @param streamable the TES hint that the executor may stream it instead of copying
 */
public record InputSpec(
        Optional<String> name,
        Optional<String> url,
        String path,
        FileType type,
        Optional<String> content,
        boolean streamable) {
    public InputSpec {
        requireNonNull(name, "name is null");
        requireNonNull(url, "url is null");
        requireNonNull(path, "path is null");
        requireNonNull(type, "type is null");
        requireNonNull(content, "content is null");
    }
}
