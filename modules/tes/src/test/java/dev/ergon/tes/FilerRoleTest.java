package dev.ergon.tes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage-in/stage-out roles of the Kubernetes Pod, run as the contract in executor-kubernetes says. */
class FilerRoleTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String role, String json) {
        return FilerRole.run(
                role,
                json,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void stageInCreatesFoldersAndPlacesInputs() throws Exception {
        Path src = Files.writeString(tmp.resolve("ref.txt"), "reference");
        Path root = tmp.resolve("work");
        String spec =
                """
                {"version": 1, "role": "stage-in", "taskId": "t1", "root": "%s",
                 "folders": ["/data", "/scratch/wd"],
                 "inputs": [{"path": "/data/ref.txt", "type": "FILE", "url": "%s"},
                            {"path": "/data/in.txt", "type": "FILE", "content": "hello\\n"}],
                 "unknownKey": true}"""
                        .formatted(root, src.toUri());
        assertEquals(0, run("stage-in", spec), err.toString());
        assertEquals("reference", Files.readString(root.resolve("data/ref.txt")));
        assertEquals("hello\n", Files.readString(root.resolve("data/in.txt")));
        assertTrue(Files.isDirectory(root.resolve("scratch/wd")));
    }

    @Test
    void stageOutUploadsOutputs() throws Exception {
        Path root = tmp.resolve("work");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/out.txt"), "result");
        Files.writeString(root.resolve("data/a.vcf"), "a");
        Path dest = tmp.resolve("dest");
        String spec =
                """
                {"version": 1, "role": "stage-out", "taskId": "t2", "root": "%s",
                 "outputs": [{"path": "/data/out.txt", "type": "FILE", "url": "%s"},
                             {"path": "/data/*.vcf", "type": "FILE", "url": "%s", "pathPrefix": "/data/"}]}"""
                        .formatted(
                                root,
                                dest.resolve("out.txt").toUri(),
                                dest.resolve("vcf").toUri());
        assertEquals(0, run("stage-out", spec), err.toString());
        assertEquals("result", Files.readString(dest.resolve("out.txt")));
        assertEquals("a", Files.readString(dest.resolve("vcf/a.vcf")));
        assertTrue(out.toString().contains("/data/out.txt"), out.toString());
    }

    @Test
    void failuresSayWhyAndExitNonZero() {
        assertEquals(2, run("stage-in", "{\"version\": 2, \"role\": \"stage-in\", \"root\": \"/x\"}"));
        assertTrue(err.toString().contains("version 2"), err.toString());
        assertEquals(2, run("stage-out", "{\"version\": 1, \"role\": \"stage-in\", \"root\": \"/x\"}"));
        assertEquals(2, run("stage-in", "not json"));
        String missing =
                """
                {"version": 1, "role": "stage-in", "root": "%s",
                 "inputs": [{"path": "/data/x", "type": "FILE", "url": "file:///nonexistent/ergon/x"}]}"""
                        .formatted(tmp.resolve("w"));
        assertEquals(1, run("stage-in", missing));
        assertTrue(err.toString().contains("/nonexistent/ergon/x"), err.toString());
    }
}
