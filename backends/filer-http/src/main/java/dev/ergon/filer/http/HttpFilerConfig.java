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
public record HttpFilerConfig(Duration connectTimeout, Duration timeout) {
    static final String PREFIX = "ergon.filer.http.";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String TIMEOUT = "timeout";

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
                            + " without a limit, an upload's body is sent within it."));

    public HttpFilerConfig {
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(timeout, "timeout is null");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + connectTimeout + ", " + timeout);
        }
    }

    /** The defaults: 10 s to connect, 10 min per request. */
    public static HttpFilerConfig defaults() {
        return new HttpFilerConfig(Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    /** Reads the settings; a bad value is INVALID_INPUT naming the full key. */
    public static HttpFilerConfig from(ProviderConfig config) {
        String prefix = config.prefix().isEmpty() ? PREFIX : config.prefix();
        HttpFilerConfig d = defaults();
        return new HttpFilerConfig(
                positive(prefix + CONNECT_TIMEOUT, config.getDuration(CONNECT_TIMEOUT, d.connectTimeout())),
                positive(prefix + TIMEOUT, config.getDuration(TIMEOUT, d.timeout())));
    }

    private static Duration positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw ErgonException.invalid(key, "'" + d + "' must be a positive duration");
        }
        return d;
    }
}
