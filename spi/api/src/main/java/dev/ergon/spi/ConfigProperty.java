package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Describes one configuration key a provider reads, for documentation and start-up validation.
 *
 * @param key the key relative to the provider's prefix, e.g. {@code max-concurrent} (full key
 *     {@code ergon.executor.local.max-concurrent})
 * @param type the value's type
 * @param defaultValue the default when the key is absent, if any
 * @param required whether start-up fails when the key is absent
 * @param secret whether the value must never be logged or shown
 * @param doc one sentence saying what the key does
 */
public record ConfigProperty(
        String key, Type type, Optional<String> defaultValue, boolean required, boolean secret, String doc) {

    /** The value types providers use. */
    public enum Type {
        STRING,
        INT,
        LONG,
        BOOLEAN,
        DURATION,
        PATH,
        LIST
    }

    public ConfigProperty {
        requireNonNull(key, "key is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(doc, "doc is null");
    }

    /** An optional key with a default value. */
    public static ConfigProperty optional(String key, Type type, String defaultValue, String doc) {
        return new ConfigProperty(key, type, Optional.ofNullable(defaultValue), false, false, doc);
    }

    /** A key that must be set. */
    public static ConfigProperty required(String key, Type type, String doc) {
        return new ConfigProperty(key, type, Optional.empty(), true, false, doc);
    }
}
