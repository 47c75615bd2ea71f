package dev.ergon.executor.kubernetes;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster view by polling: every {@code poll-interval}, one list of Ergon's Jobs and one of its
 * Pods (label selector), compared with the previous lists by resourceVersion to tell the listener
 * what changed. For clusters or proxies where watches do not work. Thread-safe: each poll swaps in
 * new immutable maps.
 */
final class PollingClusterView implements ClusterView {
    private static final Logger LOG = System.getLogger(PollingClusterView.class.getName());

    private final KubeApi api;
    private final Consumer<String> changed;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private volatile Map<String, V1Job> jobs = Map.of();
    private volatile Map<String, List<V1Pod>> podsByTask = Map.of();
    private volatile Map<String, String> versions = Map.of();
    private volatile boolean synced;

    PollingClusterView(KubeApi api, Consumer<String> changed, Duration interval) {
        this.api = api;
        this.changed = changed;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ergon-k8s-poll").factory());
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (ApiException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Listing Ergon's Jobs and Pods failed; trying again in " + interval + ": " + e);
        }
    }

    /** One list of each kind; visible for tests. */
    void poll() throws ApiException {
        List<V1Job> jobList = api.call("list Jobs", () -> api.batch
                        .listNamespacedJob(api.namespace())
                        .labelSelector(JobNames.SELECTOR)
                        .execute())
                .getItems();
        List<V1Pod> podList = api.call("list Pods", () -> api.core
                        .listNamespacedPod(api.namespace())
                        .labelSelector(JobNames.SELECTOR)
                        .execute())
                .getItems();
        Map<String, V1Job> newJobs = new HashMap<>();
        Map<String, List<V1Pod>> newPods = new HashMap<>();
        Map<String, String> newVersions = new HashMap<>();
        for (V1Job j : jobList) {
            newJobs.put(j.getMetadata().getName(), j);
            newVersions.put("job/" + j.getMetadata().getName(), version(j.getMetadata()));
        }
        for (V1Pod p : podList) {
            ClusterView.taskLabelOf(p.getMetadata()).ifPresent(l -> newPods.computeIfAbsent(l, k -> new ArrayList<>())
                    .add(p));
            newVersions.put("pod/" + p.getMetadata().getName(), version(p.getMetadata()));
        }
        Map<String, V1Job> oldJobs = jobs;
        Map<String, String> oldVersions = versions;
        Map<String, String> oldTaskOf = taskIds(oldJobs);
        jobs = Map.copyOf(newJobs);
        newPods.replaceAll((k, v) -> List.copyOf(v));
        podsByTask = Map.copyOf(newPods);
        versions = Map.copyOf(newVersions);
        synced = true;
        // Tell about every object that is new, changed or gone.
        for (V1Job j : jobList) {
            if (!Objects.equals(oldVersions.get("job/" + j.getMetadata().getName()), version(j.getMetadata()))) {
                ClusterView.taskIdOf(j.getMetadata()).ifPresent(changed);
            }
        }
        for (V1Pod p : podList) {
            if (!Objects.equals(oldVersions.get("pod/" + p.getMetadata().getName()), version(p.getMetadata()))) {
                ClusterView.taskIdOf(p.getMetadata()).ifPresent(changed);
            }
        }
        for (Map.Entry<String, String> gone : oldTaskOf.entrySet()) {
            if (!newJobs.containsKey(gone.getKey())) {
                changed.accept(gone.getValue());
            }
        }
    }

    private static Map<String, String> taskIds(Map<String, V1Job> jobs) {
        Map<String, String> m = new HashMap<>();
        jobs.forEach((name, j) -> ClusterView.taskIdOf(j.getMetadata()).ifPresent(id -> m.put(name, id)));
        return m;
    }

    private static String version(V1ObjectMeta meta) {
        return meta == null ? "" : String.valueOf(meta.getResourceVersion());
    }

    @Override
    public boolean synced() {
        return synced;
    }

    @Override
    public Optional<V1Job> job(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    @Override
    public List<V1Pod> pods(String taskIdLabel) {
        return podsByTask.getOrDefault(taskIdLabel, List.of());
    }

    @Override
    public String describe() {
        return "poll every " + interval;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
