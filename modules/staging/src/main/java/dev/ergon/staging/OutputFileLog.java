package dev.ergon.staging;

import static java.util.Objects.requireNonNull;

/**
 * One file uploaded by stage-out (TES {@code tesOutputFileLog}).
 *
 * @param url where it was uploaded to
 * @param path its absolute path inside the container
 * @param sizeBytes its size in bytes
 */
public record OutputFileLog(String url, String path, long sizeBytes) {
    public OutputFileLog {
        requireNonNull(url, "url is null");
        requireNonNull(path, "path is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative: " + sizeBytes);
        }
    }
}
