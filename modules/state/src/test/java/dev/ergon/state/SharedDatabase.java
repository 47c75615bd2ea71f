package dev.ergon.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One embedded PostgreSQL per test JVM; tests make their own ids so they share it safely. */
final class SharedDatabase {
    private static Database db;

    private SharedDatabase() {}

    static synchronized Database get() {
        if (db == null) {
            try {
                Path dir = Files.createTempDirectory("ergon-state-test");
                db = Database.open(DatabaseSettings.embedded(dir));
                Runtime.getRuntime().addShutdownHook(new Thread(db::close));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return db;
    }
}
