package dev.ergon.spi;

/** Whether an input or output is one file or a directory tree (TES {@code tesFileType}). */
public enum FileType {
    FILE,
    DIRECTORY
}
