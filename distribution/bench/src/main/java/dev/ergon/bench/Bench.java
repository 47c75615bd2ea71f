package dev.ergon.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ergon's benchmark harness. Starts a PostgreSQL, runs the packaged server jar against it as a
 * separate process (as production runs it), and measures each operation beside a baseline taken
 * in the same run on the same database: a raw JDBC insert/select of the same rows, or a bare
 * sandboxed process start. Prints a table; asserts nothing.
 *
 * <pre>
 * ./dev bench [--clients 32] [--tasks 1000000] [--starts 200] [--staging-mib 1024] [--small-files 10000]
 *             [--k8s-tasks 10000] [--k8s-in-flight 500] [--k8s-cancels 1000] [--only create,get,list,start,staging,kubernetes]
 * </pre>
 */
public final class Bench {
    private static final String TASK_JSON = "{\"name\":\"bench-%d\",\"tags\":{\"bench\":\"create\"},"
            + "\"inputs\":[{\"path\":\"/data/in.txt\",\"content\":\"hello\"}],"
            + "\"executors\":[{\"image\":\"debian:bookworm\",\"command\":[\"sh\",\"-c\",\"cat /data/in.txt\"]}]}";

    /** Threads calling the Kubernetes backend's submit at once, as a controller's workers would. */
    private static final int KUBERNETES_SUBMITTERS = 8;
    /** The polling view's interval: the production default of {@code poll-interval}. */
    private static final Duration KUBERNETES_POLL_INTERVAL = Duration.ofSeconds(5);

    private final Options o;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String[]> rows = new ArrayList<>();

    private Bench(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        new Bench(Options.parse(args)).run();
        // The shared fake cluster (Kubernetes benchmark) keeps non-daemon server and kubelet
        // threads for the JVM's lifetime; the harness ends when its report is printed.
        System.exit(0);
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory("ergon-bench");
        if (o.only.contains("staging")) {
            new StagingBench(work, o.stagingBytes, o.smallFiles, (k, cols) -> row(cols)).run();
        }
        if (o.only.contains("kubernetes")) {
            new KubernetesBench(
                            o.k8sTasks,
                            o.k8sInFlight,
                            o.k8sCancels,
                            KUBERNETES_SUBMITTERS,
                            KUBERNETES_POLL_INTERVAL,
                            Duration.ofMinutes(30),
                            (k, cols) -> row(cols))
                    .run();
        }
        if (!o.needsServer()) {
            print();
            return;
        }
        System.out.printf(
                "Ergon benchmark (%d cores, %s, Java %s); work folder %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), Runtime.version(), work);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setServerConfig("max_connections", "300")
                .start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            if (o.only.contains("create") || o.only.contains("get") || o.only.contains("list")) {
                try (Server api = Server.start(o.jar, work.resolve("api"), url, "api")) {
                    if (o.only.contains("create")) {
                        createTask(api, url);
                    }
                    if (o.only.contains("get") || o.only.contains("list")) {
                        seed(url, o.tasks);
                        if (o.only.contains("get")) {
                            getTask(api, url);
                        }
                        if (o.only.contains("list")) {
                            listTasks(api);
                        }
                    }
                }
            }
            if (o.only.contains("start")) {
                try (Connection c = DriverManager.getConnection(url)) {
                    c.createStatement().execute("TRUNCATE task CASCADE");
                }
                try (Server all = Server.start(o.jar, work.resolve("all"), url, "all")) {
                    submitToStart(all);
                }
            }
        }
        print();
    }

    // ---- CreateTask ------------------------------------------------------------------------

    private void createTask(Server s, String url) throws Exception {
        int n = o.creates;
        Wrk.Result w = null;
        if (Wrk.available()) {
            // wrk (C, one event loop per thread) leaves the 2 cores to the server and PostgreSQL; a Java
            // HttpClient load generator costs about as much CPU as the server it measures.
            Path script = Files.createTempFile("post", ".lua");
            Files.writeString(script, Wrk.postScript("/ga4gh/tes/v1/tasks", TASK_JSON.formatted(0)));
            Wrk.run(s.uri("/ga4gh/tes/v1/tasks"), script, o.clients, 40); // warm-up: C2 needs a while on 2 cores
            w = Wrk.run(s.uri("/ga4gh/tes/v1/tasks"), script, o.clients, 20);
            n = Math.max(1000, (int) Math.min(200_000, w.requests()));
        }
        // warm-up: JIT, connection pools
        runConcurrent(Math.min(2000, n / 5), o.clients, i -> post(s, "/ga4gh/tes/v1/tasks", TASK_JSON.formatted(i)));
        double apiRate;
        String latency;
        String label;
        if (w != null) {
            apiRate = w.rate();
            latency = "p50 " + ms(w.p50()) + " / p99 " + ms(w.p99());
            label = "CreateTask (wrk, " + w.requests() + " tasks in 20 s, " + o.clients + " connections)";
        } else {
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            runConcurrent(n, o.clients, i -> {
                long a = System.nanoTime();
                post(s, "/ga4gh/tes/v1/tasks", TASK_JSON.formatted(i));
                lat[i] = System.nanoTime() - a;
            });
            double secs = (System.nanoTime() - t0) / 1e9;
            apiRate = n / secs;
            latency = "p50 " + ms(pct(lat, 50)) + " / p99 " + ms(pct(lat, 99));
            label = "CreateTask (Java client: install wrk for a fair number; " + n + " tasks, " + o.clients
                    + " clients)";
        }

        // Baseline: the same rows (task + executor, one transaction each) by raw JDBC, same concurrency.
        long[] jlat = new long[n];
        ThreadLocal<Connection> conns = new ThreadLocal<>();
        List<Connection> all = java.util.Collections.synchronizedList(new ArrayList<>());
        long j0 = System.nanoTime();
        runConcurrent(n, o.clients, i -> {
            Connection c = conns.get();
            if (c == null) {
                c = DriverManager.getConnection(url + "&stringtype=unspecified");
                c.setAutoCommit(false);
                conns.set(c);
                all.add(c);
            }
            long a = System.nanoTime();
            String id = UUID.randomUUID().toString();
            try (PreparedStatement t = c.prepareStatement(
                            "INSERT INTO task (id, name, state, creation_time, updated_at, inputs, tags)"
                                    + " VALUES (?, ?, 'QUEUED', now(), now(), ?, ?)");
                    PreparedStatement e = c.prepareStatement(
                            "INSERT INTO task_executor (task_id, idx, image, command, env) VALUES (?, 0, ?, ?, '{}')")) {
                t.setString(1, id);
                t.setString(2, "jdbc-" + i);
                t.setString(3, "[{\"path\":\"/data/in.txt\",\"content\":\"hello\",\"type\":\"FILE\"}]");
                t.setString(4, "{\"bench\":\"jdbc\"}");
                t.executeUpdate();
                e.setString(1, id);
                e.setString(2, "debian:bookworm");
                e.setString(3, "[\"sh\",\"-c\",\"cat /data/in.txt\"]");
                e.executeUpdate();
            }
            c.commit();
            jlat[i] = System.nanoTime() - a;
        });
        double jsecs = (System.nanoTime() - j0) / 1e9;
        for (Connection c : all) {
            c.close();
        }
        double jdbcRate = n / jsecs;
        row(
                label,
                fmt(apiRate) + " tasks/s",
                latency,
                "raw JDBC insert: " + fmt(jdbcRate) + " rows/s, p99 " + ms(pct(jlat, 99)),
                String.format(Locale.ROOT, "%.0f%% of raw", 100 * apiRate / jdbcRate));
    }

    // ---- GetTask / ListTasks -----------------------------------------------------------------

    /** Stores {@code n} tasks directly (generate_series), so large counts load in seconds. */
    private void seed(String url, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT count(*) FROM task WHERE id LIKE 'seed-%'");
            rs.next();
            long have = rs.getLong(1);
            if (have >= n) {
                return;
            }
            long t0 = System.nanoTime();
            st.execute(
                    "INSERT INTO task (id, name, state, creation_time, updated_at, inputs, tags) SELECT 'seed-' || g,"
                            + " 'seed-' || g, (ARRAY['COMPLETE','QUEUED','EXECUTOR_ERROR'])[1 + g % 3], now(), now(),"
                            + " '[{\"path\":\"/data/in.txt\",\"content\":\"hello\",\"type\":\"FILE\"}]', jsonb_build_object('shard', (g % 10)::text)"
                            + " FROM generate_series(" + (have + 1) + ", " + n + ") g");
            st.execute(
                    "INSERT INTO task_executor (task_id, idx, image, command, exit_code, stdout_tail) SELECT id, 0, 'debian',"
                            + " '[\"true\"]', 0, 'ok' FROM task WHERE id LIKE 'seed-%' ON CONFLICT DO NOTHING");
            // A steady-state database: without this, autovacuum's first pass over the fresh rows runs
            // during the measurements.
            st.execute("VACUUM (ANALYZE) task");
            st.execute("VACUUM (ANALYZE) task_executor");
            System.out.printf("seeded %d tasks in %.1f s%n", n - have, (System.nanoTime() - t0) / 1e9);
        }
    }

    private void getTask(Server s, String url) throws Exception {
        int n = o.gets;
        int max = o.tasks;
        for (int i = 0; i < 500; i++) {
            get(
                    s,
                    "/ga4gh/tes/v1/tasks/seed-"
                            + (1 + ThreadLocalRandom.current().nextInt(max)) + "?view=BASIC");
        }
        long[] lat = new long[n];
        String how = n + " sequential gets";
        if (Wrk.available()) {
            Path script = Files.createTempFile("get", ".lua");
            Files.writeString(script, Wrk.randomGetScript("/ga4gh/tes/v1/tasks/seed-", max, "?view=BASIC"));
            Wrk.run(s.uri("/"), script, 1, 5);
            Wrk.Result w = Wrk.run(s.uri("/"), script, 1, 10);
            lat = new long[] {w.p50(), w.p99()};
            how = "wrk, 1 connection, " + w.requests() + " gets";
        } else {
            for (int i = 0; i < n; i++) {
                String id = "seed-" + (1 + ThreadLocalRandom.current().nextInt(max));
                long a = System.nanoTime();
                get(s, "/ga4gh/tes/v1/tasks/" + id + "?view=BASIC");
                lat[i] = System.nanoTime() - a;
            }
        }
        long[] jlat = new long[n];
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement t = c.prepareStatement("SELECT * FROM task WHERE id = ?");
                PreparedStatement e =
                        c.prepareStatement("SELECT * FROM task_executor WHERE task_id = ? ORDER BY idx")) {
            for (int i = 0; i < n; i++) {
                String id = "seed-" + (1 + ThreadLocalRandom.current().nextInt(max));
                long a = System.nanoTime();
                t.setString(1, id);
                try (ResultSet r = t.executeQuery()) {
                    r.next();
                }
                e.setString(1, id);
                try (ResultSet r = e.executeQuery()) {
                    while (r.next()) {
                        r.getString("image");
                    }
                }
                jlat[i] = System.nanoTime() - a;
            }
        }
        row(
                "GetTask BASIC (" + o.tasks + " stored; " + how + ")",
                "p50 " + ms(pct(lat, 50)),
                "p99 " + ms(pct(lat, 99)),
                "raw JDBC select: p50 " + ms(pct(jlat, 50)) + " / p99 " + ms(pct(jlat, 99)),
                "");
    }

    private void listTasks(Server s) throws Exception {
        // Walk every page of 256 (MINIMAL) from first to last, timing each; compare the first pages with the deepest.
        String token = null;
        List<Long> times = new ArrayList<>();
        Pattern next = Pattern.compile("\"next_page_token\":\"([^\"]+)\"");
        do {
            String q = "/ga4gh/tes/v1/tasks?page_size=256&view=MINIMAL" + (token == null ? "" : "&page_token=" + token);
            long a = System.nanoTime();
            String body = get(s, q);
            times.add(System.nanoTime() - a);
            Matcher m = next.matcher(body);
            token = m.find() ? m.group(1) : null;
        } while (token != null);
        int k = Math.min(20, times.size() / 2);
        long[] first =
                times.subList(1, k + 1).stream().mapToLong(Long::longValue).toArray(); // skip the cold one
        long[] deep = times.subList(times.size() - k, times.size()).stream()
                .mapToLong(Long::longValue)
                .toArray();
        double ratio = (double) pct(deep, 50) / pct(first, 50);
        row(
                "ListTasks MINIMAL page of 256 (" + times.size() + " pages)",
                "first pages p50 " + ms(pct(first, 50)),
                "deepest pages p50 " + ms(pct(deep, 50)),
                "deep/first = " + String.format(Locale.ROOT, "%.2f", ratio),
                "");
        // A filtered deep walk with BASIC view (executors loaded) over one tag value.
        token = null;
        times.clear();
        do {
            String q = "/ga4gh/tes/v1/tasks?page_size=256&view=BASIC&tag_key=shard&tag_value=3"
                    + (token == null ? "" : "&page_token=" + token);
            long a = System.nanoTime();
            String body = get(s, q);
            times.add(System.nanoTime() - a);
            Matcher m = next.matcher(body);
            token = m.find() ? m.group(1) : null;
        } while (token != null && times.size() < 2000);
        k = Math.min(20, times.size() / 2);
        if (k > 0) {
            first = times.subList(1, k + 1).stream().mapToLong(Long::longValue).toArray();
            deep = times.subList(times.size() - k, times.size()).stream()
                    .mapToLong(Long::longValue)
                    .toArray();
            row(
                    "ListTasks BASIC tag filter (" + times.size() + " pages)",
                    "first pages p50 " + ms(pct(first, 50)),
                    "deepest pages p50 " + ms(pct(deep, 50)),
                    "deep/first = " + String.format(Locale.ROOT, "%.2f", (double) pct(deep, 50) / pct(first, 50)),
                    "");
        }
    }

    // ---- submit → executor started ----------------------------------------------------------

    private void submitToStart(Server s) throws Exception {
        int n = o.starts;
        Pattern id = Pattern.compile("\"id\":\"([^\"]+)\"");
        Pattern created = Pattern.compile("\"creation_time\":\"([^\"]+)\"");
        Pattern started = Pattern.compile("\"logs\":\\[\\{\"start_time\":\"([^\"]+)\"");
        long[] lat = new long[n];
        for (int i = -20; i < n; i++) { // 20 warm-up tasks
            String body = post(s, "/ga4gh/tes/v1/tasks", "{\"executors\":[{\"image\":\"x\",\"command\":[\"true\"]}]}");
            Matcher m = id.matcher(body);
            m.find();
            String tid = m.group(1);
            String t;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                Thread.sleep(5);
                t = get(s, "/ga4gh/tes/v1/tasks/" + tid + "?view=BASIC");
            } while (!t.contains("\"state\":\"COMPLETE\"") && !t.contains("_ERROR") && System.nanoTime() < deadline);
            Matcher c = created.matcher(t);
            Matcher st = started.matcher(t);
            if (!c.find() || !st.find()) {
                throw new IllegalStateException("task did not run: " + t);
            }
            if (i >= 0) {
                lat[i] = Duration.between(OffsetDateTime.parse(c.group(1)), OffsetDateTime.parse(st.group(1)))
                        .toNanos();
            }
        }
        // Baseline: starting the same sandbox directly, with nothing else around it.
        long[] raw = new long[Math.min(n, 100)];
        for (int i = 0; i < raw.length; i++) {
            long a = System.nanoTime();
            Process p = new ProcessBuilder(
                            "bwrap",
                            "--ro-bind",
                            "/usr",
                            "/usr",
                            "--symlink",
                            "usr/bin",
                            "/bin",
                            "--symlink",
                            "usr/lib",
                            "/lib",
                            "--symlink",
                            "usr/lib64",
                            "/lib64",
                            "--proc",
                            "/proc",
                            "--dev",
                            "/dev",
                            "--unshare-pid",
                            "--die-with-parent",
                            "true")
                    .inheritIO()
                    .start();
            p.waitFor();
            raw[i] = System.nanoTime() - a;
        }
        row(
                "submit → executor started (" + n + " tasks, local)",
                "p50 " + ms(pct(lat, 50)),
                "p99 " + ms(pct(lat, 99)),
                "bare bwrap start+exit: p50 " + ms(pct(raw, 50)),
                "");
    }

    // ---- plumbing --------------------------------------------------------------------------

    interface Job {
        void run(int i) throws Exception;
    }

    private static void runConcurrent(int n, int clients, Job job) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < clients; c++) {
            ts.add(Thread.ofPlatform().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n && errors.isEmpty()) {
                    try {
                        job.run(i);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("benchmark request failed", errors.get(0));
        }
    }

    private String post(Server s, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(s.uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String get(Server s, String path) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(s.uri(path))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            // Seen once: a kept-alive connection that never answered. Say so and retry on a new request.
            System.out.println("  (GET " + path + " timed out after 30 s; retrying)");
            r = http.send(
                    HttpRequest.newBuilder(s.uri(path))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static long pct(long[] values, double p) {
        long[] v = values.clone();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%,.0f", d);
    }

    private void row(String... cols) {
        rows.add(cols);
        System.out.println("  " + String.join(" | ", cols));
    }

    private void print() {
        System.out.println();
        System.out.println("| benchmark | result | latency | baseline (same run) | ratio |");
        System.out.println("|---|---|---|---|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    /** The packaged server as a child process. */
    record Server(Process process, int port) implements AutoCloseable {
        static Server start(Path jar, Path dataDir, String dbUrl, String role) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Files.createDirectories(dataDir);
            List<String> cmd = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Dergon.db.url=" + dbUrl,
                    "-Dergon.db.pool-size=24"));
            // extra JVM options for the server, e.g. -Dbench.server.jvm="-XX:StartFlightRecording=filename=s.jfr"
            String extra = System.getProperty("bench.server.jvm", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            cmd.addAll(List.of(
                    "-jar",
                    jar.toString(),
                    "--port",
                    Integer.toString(port),
                    "--data-dir",
                    dataDir.toString(),
                    "--role",
                    role));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("server.log").toFile())
                    .start();
            Server s = new Server(p, port);
            HttpClient c = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("server exited; see " + dataDir.resolve("server.log"));
                }
                try {
                    if (c.send(
                                            HttpRequest.newBuilder(s.uri("/health/ready"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        return s;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("server did not start; see " + dataDir.resolve("server.log"));
                }
                Thread.sleep(100);
            }
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    record Options(
            Path jar,
            int creates,
            int clients,
            int tasks,
            int gets,
            int starts,
            long stagingBytes,
            int smallFiles,
            int k8sTasks,
            int k8sInFlight,
            int k8sCancels,
            Set<String> only) {
        /** The benchmarks that need the packaged server jar (and a PostgreSQL). */
        private static final Set<String> SERVER_BENCHMARKS = Set.of("create", "get", "list", "start");

        boolean needsServer() {
            return only.stream().anyMatch(SERVER_BENCHMARKS::contains);
        }

        static Options parse(String[] args) {
            Path jar = Path.of("distribution/server/target/ergon-server.jar");
            int creates = 20_000;
            int clients = 32;
            int tasks = 100_000;
            int gets = 5_000;
            int starts = 200;
            long stagingBytes = 1L << 30;
            int smallFiles = 10_000;
            int k8sTasks = 10_000;
            int k8sInFlight = 500;
            int k8sCancels = 1_000;
            Set<String> only = Set.of("create", "get", "list", "start", "staging", "kubernetes");
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--jar" -> jar = Path.of(v);
                    case "--creates" -> creates = Integer.parseInt(v);
                    case "--clients" -> clients = Integer.parseInt(v);
                    case "--tasks" -> tasks = Integer.parseInt(v);
                    case "--gets" -> gets = Integer.parseInt(v);
                    case "--starts" -> starts = Integer.parseInt(v);
                    case "--only" -> only = Set.of(v.split(","));
                    case "--staging-mib" -> stagingBytes = Long.parseLong(v) << 20;
                    case "--small-files" -> smallFiles = Integer.parseInt(v);
                    case "--k8s-tasks" -> k8sTasks = Integer.parseInt(v);
                    case "--k8s-cancels" -> k8sCancels = Integer.parseInt(v);
                    case "--k8s-in-flight" -> k8sInFlight = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            Set<String> known = Set.of("create", "get", "list", "start", "staging", "kubernetes");
            if (!known.containsAll(only)) {
                throw new IllegalArgumentException("--only " + String.join(",", only) + ": choose from " + known);
            }
            Options o = new Options(
                    jar,
                    creates,
                    clients,
                    tasks,
                    gets,
                    starts,
                    stagingBytes,
                    smallFiles,
                    k8sTasks,
                    k8sInFlight,
                    k8sCancels,
                    only);
            if (o.needsServer() && !Files.exists(jar)) {
                throw new IllegalArgumentException(jar + " not found: build first (./dev bench does)");
            }
            return o;
        }
    }
}
