package dev.ergon.filer.jclouds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestingSliceTest {
    @TempDir
    Path tmp;

    @Test
    void theMd5IsThatOfTheSliceOnceAStreamHasBeenReadToItsEnd() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Path file = Files.write(tmp.resolve("f.bin"), bytes);
        DigestingSlice slice = new DigestingSlice(file, 1_000, 200_000, true);
        assertEquals(200_000, slice.size());

        try (InputStream in = slice.openStream()) {
            in.readNBytes(1_000);
            assertTrue(slice.md5().isEmpty(), "no digest for a stream read part way");
        }
        try (InputStream in = slice.openStream()) {
            assertEquals(1, in.read(new byte[1], 0, 1));
            assertEquals(bytes[1_001] & 0xff, in.read(), "single-byte reads see the slice too");
        }
        try (InputStream in = slice.openStream()) {
            assertArrayEquals(Arrays.copyOfRange(bytes, 1_000, 201_000), in.readAllBytes());
        }
        byte[] expected = DigestingSlice.newMd5().digest(Arrays.copyOfRange(bytes, 1_000, 201_000));
        assertArrayEquals(expected, slice.md5().orElseThrow());
    }

    @Test
    void anEmptySliceHasTheMd5OfNothing() throws IOException {
        Path file = Files.write(tmp.resolve("e.bin"), new byte[0]);
        DigestingSlice slice = new DigestingSlice(file, 0, 0, true);
        try (InputStream in = slice.openStream()) {
            assertEquals(-1, in.read());
        }
        assertArrayEquals(DigestingSlice.newMd5().digest(), slice.md5().orElseThrow());
    }

    @Test
    void withoutDigestNothingIsComputed() throws IOException {
        Path file = Files.write(tmp.resolve("n.bin"), new byte[] {1, 2, 3});
        DigestingSlice slice = new DigestingSlice(file, 1, 2, false);
        try (InputStream in = slice.openStream()) {
            assertArrayEquals(new byte[] {2, 3}, in.readAllBytes());
        }
        assertTrue(slice.md5().isEmpty());
    }
}
