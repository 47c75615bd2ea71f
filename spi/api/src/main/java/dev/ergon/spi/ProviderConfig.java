package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A provider's settings: a small typed view of the keys under its prefix
 * ({@code ergon.<spi>.<name>.*}), with the prefix removed. The server fills it from
 * MicroProfile Config, so the SPI never depends on a config library. Immutable and thread-safe.
 */
public final class ProviderConfig {
    private final String prefix;
    private final Map<String, String> values;

    private ProviderConfig(String prefix, Map<String, String> values) {
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.values = Map.copyOf(values);
    }

    /**
     * @param prefix the full prefix the keys were read under, e.g. {@code ergon.executor.local.};
     *     used only in error messages
     * @param values key (without prefix) to value
     */
    public static ProviderConfig of(String prefix, Map<String, String> values) {
        return new ProviderConfig(prefix, values);
    }

    /** An empty configuration (every key at its default). */
    public static ProviderConfig empty() {
        return new ProviderConfig("", Map.of());
    }

    /** The prefix these keys were read under. */
    public String prefix() {
        return prefix;
    }

    /** The keys present. */
    public Set<String> keys() {
        return new TreeMap<>(values).keySet();
    }

    /** The raw value of {@code key}, if set and not blank. */
    public Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The value of {@code key}; fails with a message naming the full key when absent. */
    public String require(String key) {
        return get(key).orElseThrow(() ->
                new ErgonException(ErrorKind.INVALID_INPUT, prefix + key, prefix + key + ": must be set", null));
    }

    public String getString(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> parse(key, v, "an integer", Integer::parseInt)).orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return get(key).map(v -> parse(key, v, "an integer", Long::parseLong)).orElse(defaultValue);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> switch (v.toLowerCase()) {
                    case "true", "yes", "on", "1" -> true;
                    case "false", "no", "off", "0" -> false;
                    default -> throw bad(key, v, "true or false");
                })
                .orElse(defaultValue);
    }

    /** A duration as ISO-8601 ({@code PT5S}) or a number with a unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
    }

    /** A comma-separated list; empty when absent. */
    public List<String> getList(String key) {
        return get(key).map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    private Duration parseDuration(String key, String v) {
        String s = v.toLowerCase();
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(v.toUpperCase());
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(
                        Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofMillis(Long.parseLong(s));
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw bad(key, v, "a duration such as 500ms, 5s, 2m or PT5S");
        }
    }

    private <T> T parse(String key, String v, String expected, java.util.function.Function<String, T> f) {
        try {
            return f.apply(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, expected);
        }
    }

    private ErgonException bad(String key, String value, String expected) {
        return new ErgonException(
                ErrorKind.INVALID_INPUT, prefix + key, prefix + key + ": '" + value + "' is not " + expected, null);
    }

    @Override
    public String toString() {
        return "ProviderConfig[" + prefix + "*, keys=" + keys() + "]";
    }
}
