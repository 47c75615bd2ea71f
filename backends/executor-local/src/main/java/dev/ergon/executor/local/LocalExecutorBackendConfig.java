package dev.ergon.executor.local;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ConfigProperty.Type;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.ProviderConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The local executor's settings, read from {@code ergon.executor.local.*}.
 *
 * @param maxConcurrent how many tasks run at once; the rest wait in phase QUEUED
 * @param bwrap the bwrap program to run; empty to look it up on {@code PATH}
 * @param logTailBytes how many of the last bytes of each executor's stdout and stderr are kept
 * @param killGrace how long a cancelled executor gets between SIGTERM and SIGKILL
 * @param roBinds host folders bound read-only at the same path in the sandbox
 */
record LocalExecutorBackendConfig(
        int maxConcurrent, Optional<String> bwrap, int logTailBytes, Duration killGrace, List<String> roBinds) {

    static final String MAX_CONCURRENT = "max-concurrent";
    static final String BWRAP = "bwrap";
    static final String LOG_TAIL_BYTES = "log-tail-bytes";
    static final String KILL_GRACE = "kill-grace";
    static final String RO_BINDS = "ro-binds";

    static final int DEFAULT_LOG_TAIL_BYTES = 65536;
    static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);
    static final List<String> DEFAULT_RO_BINDS = List.of("/usr", "/etc", "/opt");

    LocalExecutorBackendConfig {
        requireNonNull(bwrap, "bwrap is null");
        requireNonNull(killGrace, "killGrace is null");
        roBinds = List.copyOf(requireNonNull(roBinds, "roBinds is null"));
    }

    /** The keys, for {@link LocalExecutorBackendProvider#configProperties()}. */
    static List<ConfigProperty> properties() {
        return List.of(
                ConfigProperty.optional(
                        MAX_CONCURRENT,
                        Type.INT,
                        null,
                        "How many tasks run at once (default: the number of available processors); the rest wait"
                                + " in phase QUEUED."),
                ConfigProperty.optional(
                        BWRAP,
                        Type.PATH,
                        null,
                        "The bubblewrap program to run executors in (default: 'bwrap' found on PATH)."),
                ConfigProperty.optional(
                        LOG_TAIL_BYTES,
                        Type.INT,
                        Integer.toString(DEFAULT_LOG_TAIL_BYTES),
                        "How many of the last bytes of each executor's stdout and stderr are kept in the task's logs."),
                ConfigProperty.optional(
                        KILL_GRACE,
                        Type.DURATION,
                        "2s",
                        "On cancel, how long executors get between SIGTERM and SIGKILL."),
                ConfigProperty.optional(
                        RO_BINDS,
                        Type.LIST,
                        String.join(",", DEFAULT_RO_BINDS),
                        "Host folders bound read-only at the same path in the sandbox; missing ones are skipped."));
    }

    /** @throws ErgonException INVALID_INPUT naming the full key of a bad value */
    static LocalExecutorBackendConfig from(ProviderConfig config) {
        int maxConcurrent = config.getInt(MAX_CONCURRENT, Runtime.getRuntime().availableProcessors());
        if (maxConcurrent < 1) {
            throw bad(config, MAX_CONCURRENT, maxConcurrent + " must be at least 1");
        }
        int logTailBytes = config.getInt(LOG_TAIL_BYTES, DEFAULT_LOG_TAIL_BYTES);
        if (logTailBytes < 0) {
            throw bad(config, LOG_TAIL_BYTES, logTailBytes + " must not be negative");
        }
        Duration killGrace = config.getDuration(KILL_GRACE, DEFAULT_KILL_GRACE);
        if (killGrace.isNegative()) {
            throw bad(config, KILL_GRACE, killGrace + " must not be negative");
        }
        List<String> roBinds = config.get(RO_BINDS).isPresent() ? config.getList(RO_BINDS) : DEFAULT_RO_BINDS;
        for (String p : roBinds) {
            if (!p.startsWith("/")) {
                throw bad(config, RO_BINDS, "'" + p + "' must be an absolute path");
            }
        }
        return new LocalExecutorBackendConfig(maxConcurrent, config.get(BWRAP), logTailBytes, killGrace, roBinds);
    }

    private static ErgonException bad(ProviderConfig config, String key, String reason) {
        String full = config.prefix() + key;
        return new ErgonException(ErrorKind.INVALID_INPUT, full, full + ": " + reason, null);
    }
}
