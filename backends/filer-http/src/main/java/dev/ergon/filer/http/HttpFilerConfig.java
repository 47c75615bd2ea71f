package dev.ergon.filer.http;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ProviderConfig;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the {@code http} filer ({@code ergon.filer.http.*}).
 *
 * @param connectTimeout how long to wait for a connection (TCP and TLS handshake)
 * @param timeout how long one request may wait for the response headers
 */
public record HttpFilerConfig(
        Duration connectTimeout, Duration timeout, int retries, Duration retryBackoff, long maxBytes) {
    static final String PREFIX = "ergon.filer.http.";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String TIMEOUT = "timeout";
    static final String RETRIES = "retries";
    static final String RETRY_BACKOFF = "retry-backoff";
    static final String MAX_BYTES = "max-bytes";

    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(
                    CONNECT_TIMEOUT,
                    ConfigProperty.Type.DURATION,
                    "10s",
                    "How long to wait for a connection (TCP and TLS handshake) to an http(s) server."),
            ConfigProperty.optional(
                    TIMEOUT,
                    ConfigProperty.Type.DURATION,
                    "10m",
                    "How long one request may wait for the response headers; a download's body then streams"
                            + " without a limit, an upload's body is sent within it."),
            ConfigProperty.optional(
                    RETRIES,
                    ConfigProperty.Type.INT,
                    "3",
                    "How often a request is retried after a dropped connection, a timeout, 408, 429 or 5xx; a download"
                            + " resumes with a Range request where the server supports it."),
            ConfigProperty.optional(
                    RETRY_BACKOFF,
                    ConfigProperty.Type.DURATION,
                    "250ms",
                    "The wait before the first retry; it doubles with each further retry."),
            ConfigProperty.optional(
                    MAX_BYTES,
                    ConfigProperty.Type.LONG,
                    "0",
                    "The largest download accepted, in bytes; 0 means no limit."));

    public HttpFilerConfig {
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(retryBackoff, "retryBackoff is null");
        if (retries < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("retries and maxBytes must not be negative");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + connectTimeout + ", " + timeout);
        }
    }

    /** The defaults: 10 s to connect, 10 min per request. */
    public static HttpFilerConfig defaults() {
        return new HttpFilerConfig(Duration.ofSeconds(10), Duration.ofMinutes(10), 3, Duration.ofMillis(250), 0);
    }

    /** Reads the settings; a bad value is INVALID_INPUT naming the full key. */
    public static HttpFilerConfig from(ProviderConfig config) {
        String prefix = config.prefix().isEmpty() ? PREFIX : config.prefix();
        HttpFilerConfig d = defaults();
        return new HttpFilerConfig(
                positive(prefix + CONNECT_TIMEOUT, config.getDuration(CONNECT_TIMEOUT, d.connectTimeout())),
                positive(prefix + TIMEOUT, config.getDuration(TIMEOUT, d.timeout())),
                notNegative(prefix + RETRIES, config.getInt(RETRIES, d.retries())),
                positive(prefix + RETRY_BACKOFF, config.getDuration(RETRY_BACKOFF, d.retryBackoff())),
                notNegative(prefix + MAX_BYTES, config.getLong(MAX_BYTES, d.maxBytes())));
    }

    private static int notNegative(String key, int v) {
        if (v < 0) {
            throw ErgonException.invalid(key, "'" + v + "' must not be negative");
        }
        return v;
    }

    private static long notNegative(String key, long v) {
        if (v < 0) {
            throw ErgonException.invalid(key, "'" + v + "' must not be negative");
        }
        return v;
    }

    private static Duration positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw ErgonException.invalid(key, "'" + d + "' must be a positive duration");
        }
        return d;
    }
}
