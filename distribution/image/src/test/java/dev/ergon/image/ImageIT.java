package dev.ergon.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image tar the build made, with no container engine: its layers are unpacked in order
 * into a root folder (whiteouts honoured), and the image's entrypoint, environment, working
 * directory and user from its config run in a bubblewrap sandbox whose read-only root is that
 * folder, as Kubernetes runs it ({@code readOnlyRootFilesystem}, an emptyDir at /tmp).
 */
class ImageIT {
    private static final Path BWRAP = Path.of("/usr/bin/bwrap");

    @TempDir
    static Path tmp;

    private static Path root;
    private static JsonObject config;

    @BeforeAll
    static void unpack() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(BWRAP),
                "bubblewrap is not installed (apt-get install bubblewrap; .ci/run installs it)");
        Path tar = Path.of(System.getProperty("ergon.image.tar", "target/ergon-image.tar"));
        assertTrue(
                Files.isRegularFile(tar), tar + " is missing: build it with ./mvnw -pl distribution/image -am package");
        Path image = Files.createDirectories(tmp.resolve("image"));
        exec(List.of("tar", "-xf", tar.toString(), "-C", image.toString()));
        JsonArray manifest = JsonParser.parseString(Files.readString(image.resolve("manifest.json")))
                .getAsJsonArray();
        assertEquals(1, manifest.size(), "one image in the tar");
        JsonObject entry = manifest.get(0).getAsJsonObject();
        assertEquals(
                System.getProperty("ergon.image.name", "ergon:0.1.0-SNAPSHOT"),
                entry.getAsJsonArray("RepoTags").get(0).getAsString(),
                "the tag docker load gives the image");
        JsonObject imageConfig = JsonParser.parseString(
                        Files.readString(image.resolve(entry.get("Config").getAsString())))
                .getAsJsonObject();
        assertEquals("amd64", imageConfig.get("architecture").getAsString());
        assertEquals("linux", imageConfig.get("os").getAsString());
        config = imageConfig.getAsJsonObject("config");
        root = Files.createDirectories(tmp.resolve("root"));
        for (JsonElement layer : entry.getAsJsonArray("Layers")) {
            applyLayer(image.resolve(layer.getAsString()));
        }
        // what a container runtime provides: mount points for /proc and /dev
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
    }

    /** Applies one layer: its whiteouts delete from the layers below, then its files are added. */
    private static void applyLayer(Path layer) throws Exception {
        String listing = exec(List.of("tar", "--warning=no-unknown-keyword", "-tzf", layer.toString()));
        for (String name : listing.split("\n")) {
            Path p = Path.of(name.replaceAll("^\\./", ""));
            String file = p.getFileName() == null ? "" : p.getFileName().toString();
            Path dir = p.getParent() == null ? root : root.resolve(p.getParent());
            if (file.equals(".wh..wh..opq")) {
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> children = Files.list(dir)) {
                        for (Path c : children.toList()) {
                            delete(c);
                        }
                    }
                }
            } else if (file.startsWith(".wh.")) {
                delete(dir.resolve(file.substring(".wh.".length())));
            }
        }
        exec(List.of(
                "tar",
                "--warning=no-unknown-keyword",
                "--exclude=.wh.*",
                "-xpzf",
                layer.toString(),
                "-C",
                root.toString()));
    }

    private static void delete(Path p) throws IOException {
        if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(p)) {
                for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    @Test
    void imageConfigIsWhatKubernetesExpects() {
        assertEquals("10001:10001", config.get("User").getAsString(), "non-root, numeric (runAsNonRoot)");
        assertTrue(config.getAsJsonObject("ExposedPorts").has("8080/tcp"), "the server's default port");
        assertEquals("/opt/java/bin/java", entrypoint().getFirst());
        assertTrue(
                entrypoint().containsAll(List.of("-jar", "/app/ergon-server.jar")),
                entrypoint().toString());
        // the Helm chart runs [java, -jar, /app/ergon-server.jar]: java must be on the image's PATH
        assertTrue(Files.isExecutable(root.resolve("opt/java/bin/java")));
        assertTrue(env().get("PATH").startsWith("/opt/java/bin:"), env().toString());
        assertTrue(Files.isRegularFile(root.resolve("app/ergon-server.jar")));
        assertTrue(Files.isExecutable(root.resolve("lib64/ld-linux-x86-64.so.2")), "the program interpreter");
    }

    @Test
    void helpRunsAsErgonWithUtf8FileNames() throws Exception {
        Result r = run(
                entrypoint(), List.of("--help"), Map.of("JDK_JAVA_OPTIONS", "-XshowSettings:properties"), List.of());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("usage: java -jar ergon-server.jar"), r.toString());
        assertTrue(r.stderr().contains("user.name = ergon"), "the passwd entry of uid 10001: " + r.stderr());
        assertTrue(r.stderr().contains("sun.jnu.encoding = UTF-8"), "C.UTF-8 is in the image: " + r.stderr());
        assertTrue(r.stderr().contains("java.home = /opt/java"), r.stderr());
    }

    @Test
    void stageInPlacesInlineAndFileInputs() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("ref.txt"), "reference\n".getBytes(StandardCharsets.UTF_8));
        Path work = Files.createDirectories(tmp.resolve("stage-in-work"));
        String spec =
                """
                {"version": 1, "role": "stage-in", "taskId": "image-it", "root": "/tmp/ergon/work",
                 "folders": ["/data", "/scratch/wd"],
                 "inputs": [{"path": "/data/ref.txt", "type": "FILE", "url": "file:///tmp/src/ref.txt"},
                            {"path": "/data/grüße.txt", "type": "FILE", "content": "hello ✓\\n"}]}""";
        Result r = run(
                entrypoint(),
                List.of("--role", "stage-in"),
                Map.of("ERGON_STAGING_SPEC", spec),
                List.of(new Bind(work, "/tmp/ergon/work", false), new Bind(src, "/tmp/src", true)));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("2 input(s) staged"), r.toString());
        assertEquals("reference\n", Files.readString(work.resolve("data/ref.txt")));
        assertEquals("hello ✓\n", Files.readString(work.resolve("data/grüße.txt"), StandardCharsets.UTF_8));
        assertTrue(Files.isDirectory(work.resolve("scratch/wd")));
    }

    @Test
    void stageOutWithTheChartsFilerCommand() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("stage-out-work"));
        Files.createDirectories(work.resolve("data"));
        Files.writeString(work.resolve("data/out.txt"), "result");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        String spec =
                """
                {"version": 1, "role": "stage-out", "taskId": "image-it", "root": "/tmp/ergon/work",
                 "outputs": [{"path": "/data/out.txt", "type": "FILE", "url": "file:///tmp/dest/out.txt"}]}""";
        // helm/ergon values tasks.filerCommand, resolved through the image's PATH
        Result r = run(
                List.of("java", "-jar", "/app/ergon-server.jar"),
                List.of("--role", "stage-out"),
                Map.of("ERGON_STAGING_SPEC", spec),
                List.of(new Bind(work, "/tmp/ergon/work", true), new Bind(dest, "/tmp/dest", false)));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("result", Files.readString(dest.resolve("out.txt")));
    }

    @Test
    void badStagingSpecFailsWithTheReason() throws Exception {
        Result r = run(entrypoint(), List.of("--role", "stage-in"), Map.of("ERGON_STAGING_SPEC", "{}"), List.of());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.stderr().contains("bad ERGON_STAGING_SPEC"), r.toString());
    }

    /** The chart's default: the server on the embedded PostgreSQL in its data dir (an emptyDir). */
    @Test
    void serverStartsOnTheEmbeddedDatabase() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path out = tmp.resolve("server.out");
        Process p = sandbox(
                        entrypoint(),
                        List.of("--port", Integer.toString(port)),
                        Map.of(),
                        List.of(new Bind(data, "/var/lib/ergon", false)))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/ga4gh/tes/v1/service-info"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            Instant deadline = Instant.now().plusSeconds(90);
            while (true) {
                if (!p.isAlive()) {
                    fail("the server exited with " + p.exitValue() + ":\n" + Files.readString(out));
                }
                try {
                    HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        assertTrue(response.body().contains("\"type\""), response.body());
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (Instant.now().isAfter(deadline)) {
                    fail("no service-info within 90 s:\n" + Files.readString(out));
                }
                Thread.sleep(250);
            }
            assertTrue(Files.readString(out).contains("Ergon is ready"), Files.readString(out));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> entrypoint() {
        List<String> e = new ArrayList<>();
        config.getAsJsonArray("Entrypoint").forEach(a -> e.add(a.getAsString()));
        return e;
    }

    private static Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        for (JsonElement kv : config.getAsJsonArray("Env")) {
            String s = kv.getAsString();
            env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        return env;
    }

    private record Bind(Path host, String sandbox, boolean readOnly) {}

    private record Result(int exit, String stdout, String stderr) {}

    private static ProcessBuilder sandbox(
            List<String> command, List<String> args, Map<String, String> extraEnv, List<Bind> binds) {
        String[] user = config.get("User").getAsString().split(":");
        List<String> c = new ArrayList<>(List.of(BWRAP.toString(), "--ro-bind", root.toString(), "/"));
        c.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        c.addAll(List.of("--unshare-pid", "--die-with-parent", "--unshare-user", "--uid", user[0], "--gid", user[1]));
        c.add("--clearenv");
        Map<String, String> env = env();
        env.putAll(extraEnv);
        env.forEach((k, v) -> c.addAll(List.of("--setenv", k, v)));
        for (Bind b : binds) {
            c.addAll(List.of(b.readOnly() ? "--ro-bind" : "--bind", b.host().toString(), b.sandbox()));
        }
        c.addAll(List.of("--chdir", config.get("WorkingDir").getAsString(), "--"));
        c.addAll(command);
        c.addAll(args);
        return new ProcessBuilder(c);
    }

    private static Result run(List<String> command, List<String> args, Map<String, String> extraEnv, List<Bind> binds)
            throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = sandbox(command, args, extraEnv, binds)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("timed out: " + Files.readString(out) + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), command + ": " + out);
        return out;
    }
}
