package dev.ergon.executor.kubernetes;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Reads containers' log tails in the background, each once (when the container has ended), and
 * runs the backends' other background work (re-observing a task after a change) on the same
 * virtual threads. A task's tails are kept in its own map, by {@code <pod uid>/<container>}.
 * Thread-safe.
 */
final class LogTails implements AutoCloseable {
    private final LogReader reader;
    private final Duration apiTimeout;
    private final Consumer<String> changed;
    private final ExecutorService pool = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ergon-k8s-log-", 0).factory());

    /** @param changed told the task id when one of its tails has arrived */
    LogTails(LogReader reader, Duration apiTimeout, Consumer<String> changed) {
        this.reader = reader;
        this.apiTimeout = apiTimeout;
        this.changed = changed;
    }

    /** Runs {@code work} in the background; a no-op once closed. */
    void execute(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The tail of {@code container} of {@code pod}, read once into {@code logs}. */
    CompletableFuture<LogTail> future(
            ConcurrentMap<String, CompletableFuture<LogTail>> logs, String taskId, V1Pod pod, String container) {
        String key = uid(pod) + "/" + container;
        return logs.computeIfAbsent(key, k -> {
            CompletableFuture<LogTail> f = new CompletableFuture<>();
            try {
                pool.execute(() -> {
                    f.complete(reader.read(pod.getMetadata().getName(), container));
                    changed.accept(taskId);
                });
            } catch (RuntimeException e) {
                f.complete(new LogTail("", "", Optional.of("the log of " + container + " was not read: " + e)));
            }
            return f;
        });
    }

    /** The tails of {@code pod}'s containers that have arrived, by container name. */
    static Map<String, LogTail> fetched(ConcurrentMap<String, CompletableFuture<LogTail>> logs, V1Pod pod) {
        String prefix = uid(pod) + "/";
        Map<String, LogTail> m = new HashMap<>();
        logs.forEach((k, f) -> {
            if (k.startsWith(prefix) && f.isDone() && !f.isCompletedExceptionally()) {
                m.put(k.substring(prefix.length()), f.join());
            }
        });
        return m;
    }

    /** Waits for {@code f} a bounded time (a terminal observation is final: its tails must be in it). */
    void await(CompletableFuture<LogTail> f) {
        long budget = apiTimeout.toMillis() * 2 + 1000;
        try {
            f.get(budget, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            f.complete(new LogTail("", "", Optional.of("a log could not be read in time: " + e)));
        }
    }

    static String uid(V1Pod pod) {
        String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
        return uid != null
                ? uid
                : pod.getMetadata() == null ? "?" : pod.getMetadata().getName();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
