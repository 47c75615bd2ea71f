package dev.ergon.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobTest {
    @TempDir
    Path ws;

    @Test
    void segmentPatterns() {
        assertTrue(Glob.toRegex("*.txt").matcher("a.txt").matches());
        assertFalse(Glob.toRegex("*.txt").matcher("a.txt.gz").matches());
        assertTrue(Glob.toRegex("file?.log").matcher("file1.log").matches());
        assertFalse(Glob.toRegex("file?.log").matcher("file10.log").matches());
        assertTrue(Glob.toRegex("[ab]-[0-9].csv").matcher("b-7.csv").matches());
        assertFalse(Glob.toRegex("[!ab]*").matcher("apple").matches());
        assertTrue(Glob.toRegex("[!ab]*").matcher("cherry").matches());
        assertTrue(Glob.toRegex("[-x]").matcher("-").matches());
        assertTrue(Glob.toRegex("a\\*b").matcher("a*b").matches());
        assertFalse(Glob.toRegex("a\\*b").matcher("axb").matches());
        assertTrue(Glob.toRegex("(x)+$.{1}").matcher("(x)+$.{1}").matches());
        assertTrue(Glob.toRegex("[unclosed").matcher("[unclosed").matches());
    }

    @Test
    void expandsAcrossFoldersWithoutCrossingSlashesOrMatchingDotFiles() throws IOException {
        for (String f : List.of(
                "data/a.txt", "data/b.txt", "data/.hidden.txt", "data/sub/c.txt", "data/x/d.txt", "other/e.txt")) {
            Path p = ws.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
        assertEquals(List.of("/data/a.txt", "/data/b.txt"), Glob.expand(ws, "/data/*.txt"));
        assertEquals(List.of("/data/sub/c.txt", "/data/x/d.txt"), Glob.expand(ws, "/data/*/*.txt"));
        assertEquals(List.of("/data/.hidden.txt"), Glob.expand(ws, "/data/.*.txt"));
        assertEquals(List.of("/data/sub", "/data/x"), Glob.expand(ws, "/data/?*/"));
        assertEquals(List.of(), Glob.expand(ws, "/nothing/*"));
        assertEquals(List.of("/data/a.txt", "/other/e.txt"), Glob.expand(ws, "/*/[ae].txt"));
    }
}
