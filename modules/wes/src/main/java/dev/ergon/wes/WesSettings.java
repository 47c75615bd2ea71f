package dev.ergon.wes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.Config;

/**
 * WES settings ({@code ergon.wes.*}), read once from MicroProfile Config.
 *
 * @param maxRequestBytes the largest RunWorkflow request (413 above)
 * @param maxAttachmentBytes the largest single attachment (413 above)
 * @param maxAttachments the most attachments in one request
 * @param maxFieldBytes the largest form field other than an attachment (workflow_params, tags, …)
 * @param allowedFileRoots folders a {@code file://} workflow_url may point into; empty refuses every {@code file://} URL
 * @param defaultPageSize ListRuns/ListTasks page size when none is given
 * @param pollInterval how often the run reconciler looks at a run without a wake-up
 * @param lease a run reconciler's claim on a run
 * @param maxActive how many runs one reconciler drives at once
 * @param tesUrl Ergon's own TES endpoint, for engines that send their steps to TES
 */
record WesSettings(
        long maxRequestBytes,
        long maxAttachmentBytes,
        int maxAttachments,
        long maxFieldBytes,
        List<Path> allowedFileRoots,
        int defaultPageSize,
        Duration pollInterval,
        Duration lease,
        int maxActive,
        String tesUrl) {

    static WesSettings from(Config c) {
        int port = c.getOptionalValue("server.port", Integer.class).orElse(8080);
        String host = c.getOptionalValue("server.host", String.class).orElse("127.0.0.1");
        if (host.equals("0.0.0.0") || host.isBlank()) {
            host = "127.0.0.1";
        }
        List<Path> roots = c.getOptionalValue("ergon.wes.allowed-file-roots", String.class)
                .map(s -> Arrays.stream(s.split(","))
                        .map(String::trim)
                        .filter(x -> !x.isEmpty())
                        .map(x -> Path.of(x).toAbsolutePath().normalize())
                        .toList())
                .orElse(List.of());
        return new WesSettings(
                c.getOptionalValue("ergon.wes.max-request-bytes", Long.class).orElse(1024L * 1024 * 1024),
                c.getOptionalValue("ergon.wes.max-attachment-bytes", Long.class).orElse(256L * 1024 * 1024),
                c.getOptionalValue("ergon.wes.max-attachments", Integer.class).orElse(10_000),
                c.getOptionalValue("ergon.wes.max-field-bytes", Long.class).orElse(16L * 1024 * 1024),
                roots,
                c.getOptionalValue("ergon.wes.default-page-size", Integer.class).orElse(256),
                c.getOptionalValue("ergon.wes.poll-interval", Duration.class).orElse(Duration.ofSeconds(1)),
                c.getOptionalValue("ergon.wes.lease", Duration.class).orElse(Duration.ofSeconds(30)),
                c.getOptionalValue("ergon.wes.max-active", Integer.class).orElse(256),
                c.getOptionalValue("ergon.wes.tes-url", String.class)
                        .orElse("http://" + host + ":" + port + "/ga4gh/tes/v1"));
    }
}
