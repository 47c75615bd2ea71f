package dev.ergon.tes;

import dev.ergon.state.Database;
import dev.ergon.state.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One embedded PostgreSQL per test JVM, used as a database "server" by every runtime the tests
 * start (ergon.db.url), so several controllers share it as they would in production.
 */
final class TestDatabase {
    private static Database db;
    private static Path dataDir;

    private TestDatabase() {}

    static synchronized Database get() {
        if (db == null) {
            try {
                dataDir = Files.createTempDirectory("ergon-tes-test");
                db = Database.open(DatabaseSettings.embedded(dataDir.resolve("db")));
                Runtime.getRuntime().addShutdownHook(new Thread(db::close));
                System.setProperty("ergon.db.url", db.jdbcUrl());
                System.setProperty("ergon.db.pool-size", "4");
                System.setProperty("ergon.data-dir", dataDir.resolve("ergon").toString());
                System.setProperty("ergon.executor", "counting");
                System.setProperty("ergon.controller.poll-interval", "PT0.05S");
                System.setProperty("ergon.controller.lease", "PT1S");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return db;
    }
}
