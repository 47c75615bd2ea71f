package dev.ergon.executor.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads the end of a log file. Stateless. */
final class LogTail {
    private LogTail() {}

    /**
     * The last {@code maxBytes} bytes of {@code file} as UTF-8 text (malformed bytes replaced, a
     * character cut by the limit dropped); empty when the file is missing or unreadable, because a
     * log tail is a convenience that must never fail a task.
     */
    static String read(Path file, int maxBytes) {
        if (maxBytes <= 0) {
            return "";
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - maxBytes);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, size));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read until full or end of file (the file may shrink while a process writes it)
            }
            buf.flip();
            if (from > 0) {
                // Skip UTF-8 continuation bytes (10xxxxxx) of a character whose start was cut off.
                int skipped = 0;
                while (buf.hasRemaining() && skipped < 3 && (buf.get(buf.position()) & 0xC0) == 0x80) {
                    buf.get();
                    skipped++;
                }
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(buf)
                    .toString();
        } catch (IOException e) {
            return "";
        }
    }
}
