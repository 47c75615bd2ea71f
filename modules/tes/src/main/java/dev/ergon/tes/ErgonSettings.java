package dev.ergon.tes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Ergon's own settings, read once from MicroProfile Config (system properties, environment
 * variables such as {@code ERGON_DATA_DIR}, {@code microprofile-config.properties}).
 */
record ErgonSettings(
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        Role role,
        String executor,
        String events,
        int maxActive,
        Duration pollInterval,
        Duration lease,
        int stagingConcurrency,
        long maxRequestBytes,
        long maxContentBytes,
        int defaultPageSize,
        boolean keepWorkspaceOnFailure) {

    /** What this process does ({@code --role}). */
    enum Role {
        /** Serves the API only. */
        API,
        /** Runs tasks only. */
        CONTROLLER,
        /** Both (the default). */
        ALL;

        boolean servesApi() {
            return this != CONTROLLER;
        }

        boolean runsTasks() {
            return this != API;
        }
    }

    static ErgonSettings from(Config c) {
        String role = c.getOptionalValue("ergon.role", String.class)
                .orElse("all")
                .trim()
                .toUpperCase();
        Role r;
        try {
            r = Role.valueOf(role);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "ergon.role: '" + role.toLowerCase() + "' is not one of api, controller, all");
        }
        return new ErgonSettings(
                Path.of(c.getOptionalValue("ergon.data-dir", String.class).orElse("./ergon-data"))
                        .toAbsolutePath()
                        .normalize(),
                c.getOptionalValue("ergon.db.url", String.class).filter(s -> !s.isBlank()),
                c.getOptionalValue("ergon.db.user", String.class),
                c.getOptionalValue("ergon.db.password", String.class),
                c.getOptionalValue("ergon.db.pool-size", Integer.class).orElse(16),
                r,
                c.getOptionalValue("ergon.executor", String.class)
                        .orElse("local")
                        .trim(),
                c.getOptionalValue("ergon.events", String.class)
                        .orElse("postgres")
                        .trim(),
                c.getOptionalValue("ergon.controller.max-active", Integer.class).orElse(64),
                c.getOptionalValue("ergon.controller.poll-interval", Duration.class)
                        .orElse(Duration.ofSeconds(1)),
                c.getOptionalValue("ergon.controller.lease", Duration.class).orElse(Duration.ofSeconds(30)),
                c.getOptionalValue("ergon.staging.concurrency", Integer.class).orElse(4),
                c.getOptionalValue("ergon.tes.max-request-bytes", Long.class).orElse(16L * 1024 * 1024),
                c.getOptionalValue("ergon.tes.max-content-bytes", Long.class).orElse(1024L * 1024),
                c.getOptionalValue("ergon.tes.default-page-size", Integer.class).orElse(256),
                c.getOptionalValue("ergon.workspace.keep-on-failure", Boolean.class)
                        .orElse(false));
    }

    @Override
    public String toString() {
        return "ErgonSettings[dataDir=" + dataDir + ", db=" + dbUrl.orElse("(embedded)") + ", role=" + role
                + ", executor=" + executor + ", events=" + events + ", maxActive=" + maxActive + "]";
    }
}
