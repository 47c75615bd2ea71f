package dev.ergon.staging;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Local file operations that never leave a partial file at the target. */
final class LocalFiles {
    private static final String TEMP_PREFIX = ".ergon-";
    private static final String TEMP_SUFFIX = ".part";

    private LocalFiles() {}

    /** A temporary file beside {@code target} (same file system, so the final move is atomic). */
    static Path tempFileBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "is a directory");
        }
        return Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX);
    }

    /** Whether {@code p} is one of our temporary files (listings skip them). */
    static boolean isTempFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }

    /** Moves {@code tmp} onto {@code target}, replacing it, atomically where supported. */
    static void moveReplacing(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Copies {@code from} to {@code to} through a temporary file, creating parent folders and
     * replacing {@code to}. Streams (the JDK copies in the kernel where it can).
     *
     * @return the number of bytes copied
     */
    static long copyReplacing(Path from, Path to) throws IOException {
        Path tmp = tempFileBeside(to);
        boolean moved = false;
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(tmp);
            moveReplacing(tmp, to);
            moved = true;
            return size;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /** Writes {@code bytes} to {@code to} through a temporary file. */
    static long writeReplacing(byte[] bytes, Path to) throws IOException {
        Path tmp = tempFileBeside(to);
        boolean moved = false;
        try {
            Files.write(tmp, bytes);
            moveReplacing(tmp, to);
            moved = true;
            return bytes.length;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the error that brought us here is what the caller reports
        }
    }
}
