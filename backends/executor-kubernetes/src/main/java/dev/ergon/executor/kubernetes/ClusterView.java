package dev.ergon.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local, eventually consistent copy of the Jobs and Pods Ergon manages (label {@code
 * app.kubernetes.io/managed-by=ergon}) in the backend's namespace, kept up to date in the
 * background, so observing a task costs no API call. Two implementations behind this one
 * interface: watches through the official client's informers ({@link InformerClusterView}, which
 * re-lists when a watch answers 410 Gone), and periodic list calls ({@link PollingClusterView}).
 * On every change of an object carrying an Ergon task id it calls the listener given at
 * construction with that id. Thread-safe.
 */
interface ClusterView extends AutoCloseable {
    /** Starts following the cluster; returns at once. */
    void start();

    /** Whether the first complete list has arrived (before that, absence proves nothing). */
    boolean synced();

    /** The Job named {@code name}, as last seen. */
    Optional<V1Job> job(String name);

    /** The Pods labelled with task-id label value {@code taskIdLabel}, as last seen. */
    List<V1Pod> pods(String taskIdLabel);

    /** A short description for service-info, e.g. {@code watch} or {@code poll every PT5S}. */
    String describe();

    @Override
    void close();

    /** The newest of {@code pods} (a Job with backoffLimit 0 has one), if any. */
    static Optional<V1Pod> newest(List<V1Pod> pods) {
        return pods.stream()
                .max(Comparator.comparing((V1Pod p) ->
                                p.getMetadata() == null || p.getMetadata().getCreationTimestamp() == null
                                        ? Instant.EPOCH
                                        : p.getMetadata().getCreationTimestamp().toInstant())
                        .thenComparing(
                                p -> p.getMetadata() == null || p.getMetadata().getName() == null
                                        ? ""
                                        : p.getMetadata().getName()));
    }

    /** The Ergon task id an object belongs to (its annotation), if it is one of Ergon's. */
    static Optional<String> taskIdOf(io.kubernetes.client.openapi.models.V1ObjectMeta meta) {
        if (meta == null) {
            return Optional.empty();
        }
        Map<String, String> a = meta.getAnnotations();
        return a == null ? Optional.empty() : Optional.ofNullable(a.get(JobNames.TASK_ID_ANNOTATION));
    }

    /** The task-id label value of an object. */
    static Optional<String> taskLabelOf(io.kubernetes.client.openapi.models.V1ObjectMeta meta) {
        if (meta == null || meta.getLabels() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(meta.getLabels().get(JobNames.TASK_ID_LABEL));
    }
}
