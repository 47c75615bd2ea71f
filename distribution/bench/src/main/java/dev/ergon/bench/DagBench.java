package dev.ergon.bench;

import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ergon DAG benchmark: a DAG of {@code --nodes} trivial nodes ({@code true}) in layers of
 * {@code --width}, each node depending on two nodes of the layer before, submitted through WES
 * and timed from submit to COMPLETE; beside it, in the same run on the same server, the same
 * number of trivial tasks submitted directly to TES (all at once, and in waves of {@code --width}
 * that wait for each other like the DAG's layers). Per-node overhead is the DAG's time minus the
 * direct time, divided by the number of nodes.
 *
 * <pre>
 * java -cp distribution/bench/target/ergon-bench.jar dev.ergon.bench.DagBench \
 *      --jar distribution/server/target/ergon-server.jar [--extra-cp a.jar:b.jar] [--nodes 1000] [--width 100] [--concurrent 8]
 * </pre>
 *
 * {@code --extra-cp} adds jars to the server's class path (ergon-wes, ergon-adapters, snakeyaml)
 * for a server build that does not include WES yet. Uses the JDK only.
 */
public final class DagBench {
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern ID = Pattern.compile("\"(?:run_)?id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private DagBench(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("distribution/server/target/ergon-server.jar");
        String extraCp = "";
        int nodes = 1000;
        int width = 100;
        int concurrent = 8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[i + 1]);
                case "--extra-cp" -> extraCp = args[i + 1];
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--width" -> width = Integer.parseInt(args[i + 1]);
                case "--concurrent" -> concurrent = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dataDir = Files.createTempDirectory("ergon-dag-bench");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String cp = jar.toAbsolutePath() + (extraCp.isEmpty() ? "" : ":" + extraCp);
        List<String> cmd = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dergon.executor.local.max-concurrent=" + concurrent,
                "-Dergon.controller.max-active=256",
                "-Dergon.wes.poll-interval=PT1S",
                "-cp",
                cp,
                "dev.ergon.server.ErgonMain",
                "--port",
                Integer.toString(port),
                "--data-dir",
                dataDir.toString());
        Process server = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile())
                .start();
        try {
            DagBench b = new DagBench(port);
            b.awaitReady(server, dataDir);
            System.out.printf(
                    "DAG benchmark: %d nodes, width %d, local executor max-concurrent %d, 2 cores%n",
                    nodes, width, concurrent);
            b.direct(Math.min(100, nodes), nodes); // warm-up: JIT, connection pools, sandboxes
            b.dag(Math.min(100, nodes), Math.min(10, width));
            long direct = b.direct(nodes, nodes);
            long waves = b.direct(nodes, width);
            long dag = b.dag(nodes, width);
            System.out.println();
            System.out.println("| what | submit → all COMPLETE | per task/node |");
            System.out.println("|---|---|---|");
            System.out.printf(
                    "| %d tasks straight to TES, all at once | %s | %s |%n", nodes, ms(direct), ms(direct / nodes));
            System.out.printf(
                    "| %d tasks straight to TES, %d waves of %d | %s | %s |%n",
                    nodes, nodes / width, width, ms(waves), ms(waves / nodes));
            System.out.printf(
                    "| Ergon DAG through WES, %d nodes, width %d | %s | %s |%n",
                    nodes, width, ms(dag), ms(dag / nodes));
            System.out.printf(
                    "%nDAG overhead per node: %s vs all at once, %s vs waves%n",
                    ms((dag - direct) / nodes), ms((dag - waves) / nodes));
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Submits {@code n} trivial tasks to TES in waves of {@code wave}, each waiting for the last; returns nanoseconds. */
    private long direct(int n, int wave) throws Exception {
        String tag = "bench-" + UUID.randomUUID();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int done = 0; done < n; done += wave) {
                int size = Math.min(wave, n - done);
                String waveTag = tag + "-" + done;
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    fs.add(pool.submit(() -> {
                        post(
                                "/ga4gh/tes/v1/tasks",
                                "application/json",
                                ("{\"executors\":[{\"image\":\"debian\",\"command\":[\"true\"]}],"
                                                + "\"tags\":{\"bench\":\"" + waveTag + "\"}}")
                                        .getBytes(StandardCharsets.UTF_8));
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                awaitCount(waveTag, size);
            }
        }
        long t = System.nanoTime() - start;
        System.out.printf("  %d TES tasks in waves of %d: %s%n", n, wave, ms(t));
        return t;
    }

    private void awaitCount(String tag, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            String body = get("/ga4gh/tes/v1/tasks?tag_key=bench&tag_value=" + tag + "&page_size=2047&view=MINIMAL");
            Matcher m = STATE.matcher(body);
            int complete = 0;
            int ended = 0;
            while (m.find()) {
                String s = m.group(1);
                complete += s.equals("COMPLETE") ? 1 : 0;
                ended += s.equals("COMPLETE") || s.endsWith("_ERROR") || s.equals("CANCELED") ? 1 : 0;
            }
            if (ended >= n) {
                if (complete < n) {
                    throw new IllegalStateException((n - complete) + " task(s) failed");
                }
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("tasks did not end in time");
    }

    /** Runs a DAG of {@code n} nodes in layers of {@code width}; returns nanoseconds from submit to COMPLETE. */
    private long dag(int n, int width) throws Exception {
        StringBuilder doc = new StringBuilder("nodes:\n");
        for (int i = 0; i < n; i++) {
            int layer = i / width;
            int j = i % width;
            doc.append("  n").append(i).append(": {command: [\"true\"]");
            if (layer > 0) {
                int prev = (layer - 1) * width;
                doc.append(", depends_on: [n")
                        .append(prev + j)
                        .append(", n")
                        .append(prev + (j + 1) % width)
                        .append(']');
            }
            doc.append("}\n");
        }
        String boundary = "ergonbench" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "workflow_type", null, "ERGON-DAG");
        part(body, boundary, "workflow_type_version", null, "1.0");
        part(body, boundary, "workflow_url", null, "dag.yaml");
        part(body, boundary, "workflow_attachment", "dag.yaml", doc.toString());
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        long start = System.nanoTime();
        String reply = post("/ga4gh/wes/v1/runs", "multipart/form-data; boundary=" + boundary, body.toByteArray());
        Matcher id = ID.matcher(reply);
        if (!id.find()) {
            throw new IllegalStateException("RunWorkflow answered " + reply);
        }
        String runId = id.group(1);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = STATE.matcher(get("/ga4gh/wes/v1/runs/" + runId + "/status"));
            String state = m.find() ? m.group(1) : "?";
            if (state.equals("COMPLETE")) {
                long t = System.nanoTime() - start;
                System.out.printf("  DAG of %d nodes, width %d: %s%n", n, width, ms(t));
                return t;
            }
            if (state.endsWith("ERROR") || state.equals("CANCELED")) {
                throw new IllegalStateException("the DAG run ended " + state);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the DAG run did not end in time");
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String filename, String value) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    private String post(String path, String type, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private void awaitReady(Process server, Path dataDir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited; see " + dataDir.resolve("server.log"));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/ga4gh/wes/v1/service-info"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                if (r.statusCode() == 404) {
                    throw new IllegalStateException(
                            "the server has no WES; build it with ergon-wes or pass --extra-cp");
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server did not start; see " + dataDir.resolve("server.log"));
    }

    private static String ms(long nanos) {
        return nanos >= 10_000_000_000L ? String.format("%.1f s", nanos / 1e9) : String.format("%.1f ms", nanos / 1e6);
    }
}
