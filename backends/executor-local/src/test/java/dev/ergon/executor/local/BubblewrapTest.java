package dev.ergon.executor.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bwrap command line (golden pieces) and the probe. */
class BubblewrapTest {
    @Test
    void commandLineBuildsTheSandbox() {
        Bubblewrap bwrap = Bubblewrap.probe(Optional.empty(), List.of("/usr", "/etc", "/nonexistent-ro-bind"));
        assertEquals(Optional.empty(), bwrap.unavailableReason());
        List<String> cmd = bwrap.command(
                List.of(new SandboxMounts.Bind("/data", Path.of("/ws/data"), false)),
                "/data/wd",
                List.of("sh", "-c", "echo --not-an-option"));
        assertTrue(cmd.get(0).endsWith("bwrap"), cmd::toString);
        for (List<String> piece : List.of(
                List.of("--die-with-parent"),
                List.of("--new-session"),
                List.of("--unshare-pid"),
                List.of("--ro-bind", "/usr", "/usr"),
                List.of("--ro-bind", "/etc", "/etc"),
                List.of("--proc", "/proc"),
                List.of("--dev", "/dev"),
                List.of("--tmpfs", "/tmp"),
                List.of("--bind", "/ws/data", "/data"),
                List.of("--chdir", "/data/wd"),
                List.of("--", "sh", "-c", "echo --not-an-option"))) {
            assertTrue(Collections.indexOfSubList(cmd, piece) >= 0, "no " + piece + " in " + cmd);
        }
        assertEquals(List.of("--", "sh", "-c", "echo --not-an-option"), cmd.subList(cmd.size() - 4, cmd.size()));
        assertFalse(cmd.contains("/nonexistent-ro-bind"), "a missing ro-bind was bound");
        assertFalse(
                cmd.stream().anyMatch(a -> a.startsWith("--unshare-net") || a.equals("--unshare-all")),
                "the host network must be kept");
        // The task's binds come after the tmpfs /tmp, so a volume inside /tmp is not hidden by it.
        assertTrue(cmd.indexOf("/ws/data") > cmd.indexOf("--tmpfs"));
    }

    @Test
    void aReadOnlyFolderBelowTmpIsNotHiddenByThePrivateTmp() throws Exception {
        Path below = Files.createTempDirectory(Path.of("/tmp"), "ergon-ro-bind-");
        try {
            List<String> args = Bubblewrap.baseArgs(List.of(below.toString()), new ArrayList<>());
            int bind = Collections.indexOfSubList(args, List.of("--ro-bind", below.toString(), below.toString()));
            assertTrue(bind >= 0, args::toString);
            assertTrue(bind > args.indexOf("--tmpfs"), "the tmpfs /tmp would hide " + below + ": " + args);

            // And in a real sandbox: the file below /tmp is there, the rest of the host's /tmp is not.
            Files.writeString(below.resolve("lib.txt"), "engine jar");
            Bubblewrap bwrap = Bubblewrap.probe(Optional.empty(), List.of("/usr", "/etc", below.toString()));
            assertEquals(Optional.empty(), bwrap.unavailableReason(), "bwrap is needed here (.ci/run installs it)");
            Process p = new ProcessBuilder(
                            bwrap.command(List.of(), "/", List.of("sh", "-c", "cat " + below + "/lib.txt; ls /tmp")))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            assertEquals("engine jar" + below.getFileName() + "\n", out);
        } finally {
            Files.deleteIfExists(below.resolve("lib.txt"));
            Files.delete(below);
        }
    }

    @Test
    void mergedUsrLinksAreRecreated() throws Exception {
        List<String> roots = new ArrayList<>();
        List<String> args = Bubblewrap.baseArgs(List.of("/usr"), roots);
        Path bin = Path.of("/bin");
        if (Files.isSymbolicLink(bin)) {
            String target = Files.readSymbolicLink(bin).toString();
            assertTrue(Collections.indexOfSubList(args, List.of("--symlink", target, "/bin")) >= 0, args::toString);
        } else {
            assertTrue(Collections.indexOfSubList(args, List.of("--ro-bind", "/bin", "/bin")) >= 0, args::toString);
        }
        assertTrue(roots.containsAll(List.of("/usr", "/bin", "/proc", "/dev")), roots::toString);
    }

    @Test
    void environmentIsReplaced() {
        Map<String, String> env = new HashMap<>(Map.of("JAVA_HOME", "/jdk", "PATH", "/host/bin"));
        Bubblewrap.environment(env, Map.of("A", "1", "HOME", "/home/me"));
        assertEquals(Map.of("PATH", Bubblewrap.SANDBOX_PATH, "HOME", "/home/me", "A", "1"), env);
    }

    @Test
    void aMissingProgramGivesTheInstallHint() {
        Bubblewrap bwrap = Bubblewrap.probe(Optional.of("ergon-no-such-bwrap"), List.of("/usr"));
        String reason = bwrap.unavailableReason().orElseThrow();
        assertEquals("bubblewrap (bwrap) not found at ergon-no-such-bwrap: " + Bubblewrap.INSTALL_HINT, reason);
        assertEquals(Optional.empty(), bwrap.version());
    }

    @Test
    void aProgramThatIsNotBwrapIsNotRunnable() {
        Bubblewrap bwrap = Bubblewrap.probe(Optional.of("/usr/bin/false"), List.of("/usr"));
        assertTrue(
                bwrap.unavailableReason().orElseThrow().contains("is not runnable"),
                bwrap.unavailableReason()::toString);
    }
}
