package dev.ergon.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheLastBytes() throws IOException {
        Path f = Files.writeString(tmp.resolve("log"), "0123456789");
        assertEquals("789", LogTail.read(f, 3));
        assertEquals("0123456789", LogTail.read(f, 100));
        assertEquals("", LogTail.read(f, 0));
    }

    @Test
    void dropsACharacterCutInHalf() throws IOException {
        Path f = Files.write(tmp.resolve("log"), "aé€z".getBytes(StandardCharsets.UTF_8)); // 1 + 2 + 3 + 1 bytes
        assertEquals("z", LogTail.read(f, 3)); // the last 3 bytes are two bytes of € and z
        assertEquals("€z", LogTail.read(f, 4));
    }

    @Test
    void aMissingFileIsEmpty() {
        assertEquals("", LogTail.read(tmp.resolve("none"), 10));
    }
}
