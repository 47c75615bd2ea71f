package dev.ergon.spi;

/** What a {@link Filer} can do. A missing capability fails with INVALID_INPUT naming the URL. */
public enum FilerCapability {
    /** {@link Filer#download} and {@link Filer#stat}. */
    READ,
    /** {@link Filer#upload}. */
    WRITE,
    /** {@link Filer#list} (directory inputs and outputs). */
    LIST
}
