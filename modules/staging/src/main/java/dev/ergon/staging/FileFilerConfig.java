package dev.ergon.staging;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@code file} filer ({@code ergon.filer.file.*}).
 *
 * @param allowedRoots the folders {@code file://} URLs may point into; empty means anywhere
 */
public record FileFilerConfig(List<Path> allowedRoots) {
    static final String PREFIX = "ergon.filer.file.";
    static final String ALLOWED_ROOTS = "allowed-roots";

    static final List<ConfigProperty> PROPERTIES = List.of(ConfigProperty.optional(
            ALLOWED_ROOTS,
            ConfigProperty.Type.LIST,
            null,
            "Comma-separated absolute folders (or file:// URLs) that file:// inputs and outputs must lie in;"
                    + " empty allows any path Ergon can read and write."));

    public FileFilerConfig {
        allowedRoots = List.copyOf(requireNonNull(allowedRoots, "allowedRoots is null"));
        for (Path root : allowedRoots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("allowed root " + root + " is not absolute");
            }
        }
    }

    /** No restriction: any path. */
    public static FileFilerConfig unrestricted() {
        return new FileFilerConfig(List.of());
    }

    /** Reads {@code allowed-roots}; a relative or malformed entry is INVALID_INPUT naming the full key. */
    public static FileFilerConfig from(ProviderConfig config) {
        String key = (config.prefix().isEmpty() ? PREFIX : config.prefix()) + ALLOWED_ROOTS;
        List<Path> roots = new ArrayList<>();
        for (String entry : config.getList(ALLOWED_ROOTS)) {
            Path p;
            try {
                p = entry.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(entry)) : Path.of(entry);
            } catch (IllegalArgumentException e) { // also InvalidPathException
                throw ErgonException.invalid(key, "'" + entry + "' is not a folder path or file:// URL");
            }
            if (!p.isAbsolute()) {
                throw ErgonException.invalid(key, "'" + entry + "' is not an absolute path");
            }
            roots.add(p.normalize());
        }
        return new FileFilerConfig(roots);
    }
}
