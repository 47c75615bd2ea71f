package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the database is.
 *
 * @param url a PostgreSQL JDBC URL ({@code ergon.db.url}); empty for the embedded database
 * @param user the user, for a server
 * @param password the password, for a server (never logged)
 * @param dataDir Ergon's data folder ({@code ergon.data-dir}); the embedded database lives in
 *     {@code dataDir/postgres}
 * @param poolSize the connection pool size
 */
public record DatabaseSettings(
        Optional<String> url, Optional<String> user, Optional<String> password, Path dataDir, int poolSize) {
    public DatabaseSettings {
        requireNonNull(url, "url is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(dataDir, "dataDir is null");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1");
        }
    }

    /** The embedded default in {@code dataDir}. */
    public static DatabaseSettings embedded(Path dataDir) {
        return new DatabaseSettings(Optional.empty(), Optional.empty(), Optional.empty(), dataDir, 16);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url.orElse("(embedded)") + ", user=" + user.orElse("") + ", dataDir=" + dataDir
                + ", poolSize=" + poolSize + "]";
    }
}
