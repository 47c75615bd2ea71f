package dev.ergon.bench;

import dev.ergon.executor.kubernetes.Behaviour;
import dev.ergon.executor.kubernetes.FakeApiServer;
import dev.ergon.executor.kubernetes.FakeCluster;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * The Kubernetes executor at scale: the production {@code KubernetesExecutorBackend}, created
 * through its provider and talking through the official client, against the executor module's
 * fake cluster (its {@link FakeApiServer} on loopback, with the simulated Job controller and
 * kubelet), so the numbers are Ergon's code plus an in-memory API server on the same 2 cores, not
 * a real cluster's.
 *
 * <p>Per cluster view (watches through informers, then polling only, in the same run): submit
 * {@code tasks} tasks (one inline input, one executor that exits 0) from {@code submitters}
 * threads, at most {@code inFlight} not yet ended at once, as Ergon's controller does ({@code
 * ergon.controller.max-active}); run them to COMPLETE and clean each up; then submit {@code cancels} tasks whose executor runs until killed, wait until they are
 * RUNNING and cancel them all. Measured:
 *
 * <ul>
 *   <li>Job creations per second: tasks / (first submit call → last Job stored by the server);
 *   <li>submit → Job created: the submit call → the fake server answering the create 201 (the Job
 *       is stored by then), p50/p99;
 *   <li>API requests per task, counted at the fake server (it sees every request; only the
 *       backend's, by User-Agent, in the run's namespace): writes (POST, PUT, PATCH, DELETE; goal
 *       ≤ 3) and reads (list, get, watch, pod log);
 *   <li>submit → COMPLETE observed (what the view's lag costs), p50/p99;
 *   <li>cancel → DELETE received by the server, p99; cancel → CANCELED observed, p99.
 * </ul>
 *
 * Every wait is bounded by count and by time ({@code timeout} per phase); a phase that runs out of
 * time says so in its result instead of hanging.
 */
final class KubernetesBench {
    /** An executor image the fake kubelet runs as "exit 0 at once". */
    static final String QUICK_IMAGE = "ergon-bench/true";
    /** An executor image the fake kubelet runs until its Pod is deleted. */
    static final String HANG_IMAGE = "ergon-bench/sleep";

    private static final String BACKEND_AGENT = "ergon-executor-kubernetes";

    private final int tasks;
    private final int inFlight;
    private final int cancels;
    private final int submitters;
    private final Duration pollInterval;
    private final Duration timeout;
    private final BiConsumer<String, String[]> row;
    private final FakeCluster cluster = FakeCluster.shared();
    /** The run being measured; the server's listener counts only its namespace. */
    private volatile Counters current;

    /**
     * @param tasks tasks run to completion per view
     * @param inFlight most tasks submitted and not yet ended at once (Ergon's controller caps them
     *     with {@code ergon.controller.max-active})
     * @param cancels running tasks cancelled per view
     * @param submitters threads calling submit (and cancel) at once
     * @param pollInterval the polling view's {@code poll-interval}
     * @param timeout longest wait of one phase
     */
    KubernetesBench(
            int tasks,
            int inFlight,
            int cancels,
            int submitters,
            Duration pollInterval,
            Duration timeout,
            BiConsumer<String, String[]> row) {
        this.tasks = tasks;
        this.inFlight = inFlight;
        this.cancels = cancels;
        this.submitters = submitters;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
        this.row = row;
        cluster.script(QUICK_IMAGE, Behaviour.exit(0, "hello\n", ""));
        cluster.script(HANG_IMAGE, Behaviour.hang());
        cluster.api().onAnswered((r, code) -> {
            Counters c = current;
            if (c != null) {
                c.answered(r, code);
            }
        });
    }

    /** What one view's run measured. */
    record Result(
            String view,
            int tasks,
            int completed,
            Map<Phase, Integer> ends,
            double jobsPerSecond,
            double createdP50Ms,
            double createdP99Ms,
            double completeP50Ms,
            double completeP99Ms,
            Requests runRequests,
            int cancels,
            int canceled,
            double deleteP50Ms,
            double deleteP99Ms,
            double canceledP99Ms,
            Requests cancelRequests,
            List<String> problems) {
        double writesPerTask() {
            return runRequests.writes() / (double) Math.max(1, tasks);
        }

        double readsPerTask() {
            return runRequests.reads() / (double) Math.max(1, tasks);
        }

        double writesPerCanceledTask() {
            return cancelRequests.writes() / (double) Math.max(1, cancels);
        }
    }

    /** The backend's requests in one phase, as the server counted them. */
    record Requests(long posts, long puts, long patches, long deletes, long lists, long gets, long watches, long logs) {
        long writes() {
            return posts + puts + patches + deletes;
        }

        long reads() {
            return lists + gets + watches + logs;
        }

        String describe(int perTasks) {
            double n = Math.max(1, perTasks);
            return String.format(
                    Locale.ROOT,
                    "writes %.2f/task (POST %d, PUT %d, PATCH %d, DELETE %d); reads %.2f/task (list %d, get %d,"
                            + " watch %d, log %d)",
                    writes() / n,
                    posts,
                    puts,
                    patches,
                    deletes,
                    reads() / n,
                    lists,
                    gets,
                    watches,
                    logs);
        }
    }

    /** Counts, at the server, the backend's requests in one namespace; and when Jobs were created and deleted. */
    private static final class Counters {
        final String namespace;
        final String marker;
        final AtomicLong posts = new AtomicLong();
        final AtomicLong puts = new AtomicLong();
        final AtomicLong patches = new AtomicLong();
        final AtomicLong deletes = new AtomicLong();
        final AtomicLong lists = new AtomicLong();
        final AtomicLong gets = new AtomicLong();
        final AtomicLong watches = new AtomicLong();
        final AtomicLong logs = new AtomicLong();
        final Map<String, Long> created = new ConcurrentHashMap<>();
        final Map<String, Long> deleted = new ConcurrentHashMap<>();

        Counters(String namespace) {
            this.namespace = namespace;
            this.marker = "/namespaces/" + namespace + "/";
        }

        void answered(FakeApiServer.Request r, int code) {
            if (!r.userAgent().startsWith(BACKEND_AGENT) || !r.path().contains(marker)) {
                return;
            }
            long now = System.nanoTime();
            String p = r.path().split("\\?", 2)[0];
            switch (r.method()) {
                case "POST" -> {
                    posts.incrementAndGet();
                    if (code == 201 && p.endsWith("/jobs") && r.name() != null) {
                        created.putIfAbsent(r.name(), now);
                    }
                }
                case "PUT" -> puts.incrementAndGet();
                case "PATCH" -> patches.incrementAndGet();
                case "DELETE" -> {
                    deletes.incrementAndGet();
                    int at = p.lastIndexOf("/jobs/");
                    if (at >= 0) {
                        deleted.putIfAbsent(p.substring(at + "/jobs/".length()), now);
                    }
                }
                default -> {
                    if (r.path().contains("watch=true")) {
                        watches.incrementAndGet();
                    } else if (p.endsWith("/log")) {
                        logs.incrementAndGet();
                    } else if (p.endsWith("/jobs") || p.endsWith("/pods")) {
                        lists.incrementAndGet();
                    } else {
                        gets.incrementAndGet();
                    }
                }
            }
        }

        Requests snapshot() {
            return new Requests(
                    posts.get(),
                    puts.get(),
                    patches.get(),
                    deletes.get(),
                    lists.get(),
                    gets.get(),
                    watches.get(),
                    logs.get());
        }

        static Requests minus(Requests a, Requests b) {
            return new Requests(
                    a.posts - b.posts,
                    a.puts - b.puts,
                    a.patches - b.patches,
                    a.deletes - b.deletes,
                    a.lists - b.lists,
                    a.gets - b.gets,
                    a.watches - b.watches,
                    a.logs - b.logs);
        }
    }

    /** Both views, each printed beside the other; a short warm-up (JIT, connections) first, not counted. */
    List<Result> run() throws InterruptedException {
        System.out.printf(
                Locale.ROOT,
                "Kubernetes executor: %,d tasks (≤ %,d in flight) + %,d cancels per view, %d submitters, fake API"
                        + " server %s%n",
                tasks,
                inFlight,
                cancels,
                submitters,
                cluster.api().url());
        int warm = Math.min(500, Math.max(10, tasks / 10));
        measure(true, warm, Math.min(100, Math.max(5, cancels / 10)), "warm-up");
        Result watch = measure(true, tasks, cancels, "watch");
        Result poll = measure(false, tasks, cancels, "poll");
        report(watch, poll);
        return List.of(watch, poll);
    }

    /** One view's run: {@code n} tasks to completion, then {@code c} running tasks cancelled. */
    Result measure(boolean watch, int n, int c, String label) throws InterruptedException {
        String ns = cluster.newNamespace();
        Counters counters = new Counters(ns);
        current = counters;
        List<String> problems = new ArrayList<>();
        Map<String, String> config = watch
                ? Map.of("log-streams", "combined", "watch", "true")
                : Map.of("log-streams", "combined", "watch", "false", "poll-interval", pollInterval.toMillis() + "ms");
        ExecutorService pool = Executors.newFixedThreadPool(submitters);
        try (ExecutorBackend backend = cluster.backend(ns, config)) {
            Map<String, Integer> index = new ConcurrentHashMap<>();
            Controller ctl = new Controller(backend, index);
            backend.addListener(ctl::hint);

            // ---- submit n tasks, run them to completion ----
            TaskSpec[] specs = new TaskSpec[n];
            for (int i = 0; i < n; i++) {
                specs[i] = task(QUICK_IMAGE, label + "-" + i);
                index.put(specs[i].taskId(), i);
            }
            long[] submitAt = new long[n];
            TaskHandle[] handles = new TaskHandle[n];
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
            ctl.onEnd(slots::release);
            AtomicInteger failed = new AtomicInteger();
            long end = deadline();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int at = i;
                pool.execute(() -> {
                    try {
                        if (!slots.tryAcquire(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                            failed.incrementAndGet();
                            return;
                        }
                        submitAt[at] = System.nanoTime();
                        handles[at] = backend.submit(specs[at]);
                        ctl.open(at, handles[at]);
                    } catch (InterruptedException | RuntimeException e) {
                        failed.incrementAndGet();
                        slots.release();
                    }
                });
            }
            ctl.drive(n, failed, end);
            if (failed.get() > 0) {
                problems.add(failed.get() + " of " + n + " submits failed or timed out");
            }
            long[] createdLatency = new long[n];
            long lastCreated = t0;
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (handles[i] == null) {
                    continue;
                }
                Long at = counters.created.get(handles[i].ref());
                if (at == null) {
                    problems.add("no create of Job " + handles[i].ref() + " reached the server");
                    continue;
                }
                createdLatency[k++] = at - submitAt[i];
                lastCreated = Math.max(lastCreated, at);
            }
            createdLatency = Arrays.copyOf(createdLatency, k);
            double rate = k / ((lastCreated - t0) / 1e9);
            long[] completeLatency = ctl.latencies(submitAt, Phase.COMPLETE);
            Map<Phase, Integer> ends = ctl.ends();
            int completed = ends.getOrDefault(Phase.COMPLETE, 0);
            if (ctl.openCount() > 0) {
                problems.add(ctl.openCount() + " tasks not terminal after " + timeout);
            }
            Requests runRequests = counters.snapshot();

            // ---- c tasks that run until cancelled ----
            Map<String, Integer> cancelIndex = new ConcurrentHashMap<>();
            Controller cctl = new Controller(backend, cancelIndex);
            backend.addListener(cctl::hint);
            TaskSpec[] hang = new TaskSpec[c];
            for (int i = 0; i < c; i++) {
                hang[i] = task(HANG_IMAGE, label + "-cancel-" + i);
                cancelIndex.put(hang[i].taskId(), i);
            }
            TaskHandle[] ch = new TaskHandle[c];
            submitAll(pool, c, i -> ch[i] = backend.submit(hang[i]));
            int running = cctl.awaitRunning(ch, deadline());
            if (running < c) {
                problems.add((c - running) + " of " + c + " tasks never observed RUNNING");
            }
            long[] cancelAt = new long[c];
            long[] canceledLatency = new long[c];
            AtomicInteger canceled = new AtomicInteger();
            submitAll(pool, c, i -> {
                if (ch[i] == null) {
                    return null;
                }
                cancelAt[i] = System.nanoTime();
                backend.cancel(ch[i]);
                Observation o = backend.observe(ch[i]);
                canceledLatency[i] = System.nanoTime() - cancelAt[i];
                if (o.phase() == Phase.CANCELED) {
                    canceled.incrementAndGet();
                }
                backend.cleanup(ch[i]);
                return ch[i];
            });
            long[] deleteLatency = new long[c];
            int d = 0;
            for (int i = 0; i < c; i++) {
                Long at = ch[i] == null ? null : counters.deleted.get(ch[i].ref());
                if (at != null && at >= cancelAt[i]) {
                    deleteLatency[d++] = at - cancelAt[i];
                }
            }
            if (d < c) {
                problems.add((c - d) + " of " + c + " cancels sent no DELETE the server received");
            }
            deleteLatency = Arrays.copyOf(deleteLatency, d);
            Requests cancelRequests = Counters.minus(counters.snapshot(), runRequests);
            awaitEmpty(ns, deadline());
            Result r = new Result(
                    watch ? "watch" : "poll every " + pollInterval.toMillis() + " ms",
                    n,
                    completed,
                    ends,
                    rate,
                    ms(percentile(createdLatency, 50)),
                    ms(percentile(createdLatency, 99)),
                    ms(percentile(completeLatency, 50)),
                    ms(percentile(completeLatency, 99)),
                    runRequests,
                    c,
                    canceled.get(),
                    ms(percentile(deleteLatency, 50)),
                    ms(percentile(deleteLatency, 99)),
                    ms(percentile(canceledLatency, 99)),
                    cancelRequests,
                    List.copyOf(problems));
            System.out.printf(
                    Locale.ROOT,
                    "  %s (%s): %,d tasks, %,.0f Jobs/s, submit→Job created p50 %.1f / p99 %.1f ms,"
                            + " submit→COMPLETE p50 %.0f / p99 %.0f ms, ended %s; %s%n"
                            + "    cancel %,d: →DELETE received p50 %.1f / p99 %.1f ms, →CANCELED p99 %.1f ms; %s%s%n",
                    label,
                    r.view(),
                    n,
                    rate,
                    r.createdP50Ms(),
                    r.createdP99Ms(),
                    r.completeP50Ms(),
                    r.completeP99Ms(),
                    ends,
                    runRequests.describe(n),
                    c,
                    r.deleteP50Ms(),
                    r.deleteP99Ms(),
                    r.canceledP99Ms(),
                    cancelRequests.describe(c),
                    problems.isEmpty() ? "" : "\n    PROBLEMS: " + problems);
            return r;
        } finally {
            current = null;
            pool.shutdownNow();
        }
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private static TaskSpec task(String image, String name) {
        return TestTasks.task()
                .name(name)
                .content("hello", "/data/in.txt")
                .executor(TestTasks.executor("sh", "-c", "cat /data/in.txt").image(image))
                .build();
    }

    /** Runs {@code call} for 0..n-1 on the pool; how many returned a value in time. */
    private int submitAll(ExecutorService pool, int n, IntFunction<TaskHandle> call) throws InterruptedException {
        List<Future<TaskHandle>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = i;
            fs.add(pool.submit(() -> call.apply(at)));
        }
        long end = deadline();
        int ok = 0;
        for (Future<TaskHandle> f : fs) {
            try {
                if (f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS) != null) {
                    ok++;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                f.cancel(true);
            }
        }
        return ok;
    }

    /**
     * What Ergon's task controller does, reduced to the backend calls: observe a task when the
     * backend hints at a change and, as the guarantee, every task every second; on a terminal
     * observation record it and clean up.
     */
    private static final class Controller {
        private final ExecutorBackend backend;
        private final Map<String, Integer> index;
        private final Map<Integer, TaskHandle> open = new ConcurrentHashMap<>();
        private final java.util.Set<Integer> dirty = ConcurrentHashMap.newKeySet();
        private final Map<Integer, Long> endedAt = new ConcurrentHashMap<>();
        private final Map<Integer, Phase> endPhase = new ConcurrentHashMap<>();
        private Runnable onEnd = () -> {};

        Controller(ExecutorBackend backend, Map<String, Integer> index) {
            this.backend = backend;
            this.index = index;
        }

        void hint(String taskId) {
            Integer i = index.get(taskId);
            if (i != null) {
                dirty.add(i);
            }
        }

        void open(int i, TaskHandle h) {
            open.put(i, h);
        }

        int openCount() {
            return open.size();
        }

        void onEnd(Runnable r) {
            onEnd = r;
        }

        /** Observes until {@code expected} tasks ended (less those whose submit {@code failed}), or the deadline. */
        void drive(int expected, AtomicInteger failed, long deadline) throws InterruptedException {
            long nextSweep = System.nanoTime();
            while (endPhase.size() + failed.get() < expected && System.nanoTime() < deadline) {
                List<Integer> look;
                if (System.nanoTime() >= nextSweep) {
                    look = new ArrayList<>(open.keySet());
                    dirty.clear();
                    nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                } else {
                    look = new ArrayList<>(dirty);
                    dirty.removeAll(look);
                }
                for (Integer i : look) {
                    TaskHandle h = open.get(i);
                    if (h == null) {
                        continue;
                    }
                    Observation o = backend.observe(h);
                    if (o.phase().isTerminal()) {
                        endedAt.put(i, System.nanoTime());
                        endPhase.put(i, o.phase());
                        open.remove(i);
                        backend.cleanup(h);
                        onEnd.run();
                    }
                }
                if (dirty.isEmpty()) {
                    Thread.sleep(10);
                }
            }
        }

        /** Observes {@code hs} until each is RUNNING (or ended); how many were seen RUNNING. */
        int awaitRunning(TaskHandle[] hs, long deadline) throws InterruptedException {
            java.util.Set<Integer> waiting = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < hs.length; i++) {
                if (hs[i] != null) {
                    waiting.add(i);
                }
            }
            int running = 0;
            long nextSweep = System.nanoTime();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                List<Integer> look;
                if (System.nanoTime() >= nextSweep) {
                    look = new ArrayList<>(waiting);
                    nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                } else {
                    look = new ArrayList<>(dirty);
                }
                dirty.removeAll(look);
                for (Integer i : look) {
                    if (!waiting.contains(i)) {
                        continue;
                    }
                    Phase p = backend.observe(hs[i]).phase();
                    if (p == Phase.RUNNING) {
                        running++;
                        waiting.remove(i);
                    } else if (p.isTerminal()) {
                        waiting.remove(i);
                    }
                }
                if (dirty.isEmpty()) {
                    Thread.sleep(10);
                }
            }
            return running;
        }

        Map<Phase, Integer> ends() {
            Map<Phase, Integer> m = new EnumMap<>(Phase.class);
            endPhase.values().forEach(p -> m.merge(p, 1, Integer::sum));
            return m;
        }

        long[] latencies(long[] startAt, Phase phase) {
            return endedAt.entrySet().stream()
                    .filter(e -> endPhase.get(e.getKey()) == phase)
                    .mapToLong(e -> e.getValue() - startAt[e.getKey()])
                    .toArray();
        }
    }

    /** Waits until the fake kubelet has removed the namespace's Pods and no Job is left, so runs do not overlap. */
    private void awaitEmpty(String ns, long deadline) throws InterruptedException {
        var client = new ClientBuilder().setBasePath(cluster.api().url()).build();
        client.setUserAgent("ergon-bench");
        BatchV1Api batch = new BatchV1Api(client);
        CoreV1Api core = new CoreV1Api(client);
        while (System.nanoTime() < deadline) {
            try {
                if (batch.listNamespacedJob(ns).execute().getItems().isEmpty()
                        && core.listNamespacedPod(ns).execute().getItems().isEmpty()) {
                    return;
                }
            } catch (ApiException e) {
                // try again
            }
            Thread.sleep(200);
        }
    }

    private void report(Result w, Result p) {
        String n = String.format(Locale.ROOT, "%,d", w.tasks());
        row.accept("kubernetes", new String[] {
            "Kubernetes: submit " + n + " tasks, ≤ " + String.format(Locale.ROOT, "%,d", inFlight)
                    + " in flight → Jobs (fake API server, watch)",
            String.format(Locale.ROOT, "**%,.0f Jobs/s**", w.jobsPerSecond()),
            String.format(
                    Locale.ROOT,
                    "submit→Job created p50 %.1f ms / **p99 %.1f ms**",
                    w.createdP50Ms(),
                    w.createdP99Ms()),
            String.format(
                    Locale.ROOT,
                    "polling only: %,.0f Jobs/s, p50 %.1f / p99 %.1f ms",
                    p.jobsPerSecond(),
                    p.createdP50Ms(),
                    p.createdP99Ms()),
            String.format(Locale.ROOT, "%.2f×", w.jobsPerSecond() / p.jobsPerSecond())
        });
        row.accept("kubernetes", new String[] {
            "Kubernetes: API requests per task, run to COMPLETE (goal ≤ 3 writes)",
            String.format(Locale.ROOT, "**%.2f writes**, %.2f reads", w.writesPerTask(), w.readsPerTask()),
            "",
            String.format(Locale.ROOT, "polling only: %.2f writes, %.2f reads", p.writesPerTask(), p.readsPerTask()),
            ""
        });
        row.accept("kubernetes", new String[] {
            "Kubernetes: submit → COMPLETE observed (" + n + " tasks, executor exits at once)",
            String.format(Locale.ROOT, "%,d of %,d COMPLETE", w.completed(), w.tasks()),
            String.format(Locale.ROOT, "p50 %,.0f ms / p99 %,.0f ms", w.completeP50Ms(), w.completeP99Ms()),
            String.format(
                    Locale.ROOT,
                    "polling only (%s): %,d COMPLETE, p50 %,.0f / p99 %,.0f ms",
                    p.view(),
                    p.completed(),
                    p.completeP50Ms(),
                    p.completeP99Ms()),
            ""
        });
        row.accept("kubernetes", new String[] {
            String.format(Locale.ROOT, "Kubernetes: cancel %,d running tasks", w.cancels()),
            String.format(Locale.ROOT, "cancel→DELETE received **p99 %.1f ms**", w.deleteP99Ms()),
            String.format(
                    Locale.ROOT,
                    "cancel→CANCELED p99 %.1f ms; %.2f writes/task",
                    w.canceledP99Ms(),
                    w.writesPerCanceledTask()),
            String.format(
                    Locale.ROOT,
                    "polling only: →DELETE p99 %.1f ms, →CANCELED p99 %.1f ms, %.2f writes/task",
                    p.deleteP99Ms(),
                    p.canceledP99Ms(),
                    p.writesPerCanceledTask()),
            ""
        });
        for (Result r : List.of(w, p)) {
            if (!r.problems().isEmpty()) {
                System.out.println("  PROBLEMS (" + r.view() + "): " + r.problems());
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long percentile(long[] values, int p) {
        if (values.length == 0) {
            return 0;
        }
        long[] s = values.clone();
        Arrays.sort(s);
        int at = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, at))];
    }
}
