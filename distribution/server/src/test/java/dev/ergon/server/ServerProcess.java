package dev.ergon.server;

import dev.ergon.testkit.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged server jar as a separate process, as a user runs it (java -jar). */
final class ServerProcess implements AutoCloseable {
    final int port;
    final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServerProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static ServerProcess start(Path dataDir, String... extraProps) throws IOException {
        return start(dataDir, "/ga4gh/tes/v1/service-info", extraProps);
    }

    /** For {@code --role controller}, which serves no TES API: waits for the health endpoint. */
    static ServerProcess startWithoutApi(Path dataDir, String... extraProps) throws IOException {
        return start(dataDir, "/health", extraProps);
    }

    private static ServerProcess start(Path dataDir, String readyPath, String... extraProps) throws IOException {
        String jar = System.getProperty("ergon.server.jar");
        if (jar == null) {
            throw new IllegalStateException("ergon.server.jar is not set (run through Maven failsafe)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String p : extraProps) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("-jar", jar, "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServerProcess sp = new ServerProcess(port, log, p);
        Eventually.await(Duration.ofSeconds(90), "server on port " + port + " (log " + log + ")", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("server exited with " + p.exitValue() + "; see " + log);
            }
            return sp.status(readyPath) == 200;
        });
        return sp;
    }

    int status(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    String post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("POST " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** kill -9: no shutdown hooks, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
