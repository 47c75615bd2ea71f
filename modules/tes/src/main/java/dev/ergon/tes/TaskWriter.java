package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import dev.ergon.state.TaskEntity;
import dev.ergon.state.TaskStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for CreateTask: concurrent requests hand their validated task to a few writer
 * threads, each of which stores whatever has queued up in one transaction and then sends one
 * wake-up. An idle writer takes a lone request at once, so batching adds no waiting; under load
 * one commit (one fsync) serves many requests. The caller returns only after its task is
 * committed, so an accepted task is never lost. Thread-safe.
 */
final class TaskWriter implements AutoCloseable {
    private static final Logger LOG = System.getLogger(TaskWriter.class.getName());
    private static final int MAX_BATCH = 64;

    private final TaskStore store;
    private final EventBus events;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    private record Pending(TaskEntity task, CompletableFuture<Void> done) {}

    TaskWriter(TaskStore store, EventBus events, int threads) {
        this.store = store;
        this.events = events;
        for (int i = 0; i < threads; i++) {
            writers.add(
                    Thread.ofPlatform().daemon().name("ergon-task-writer-" + i).start(this::loop));
        }
    }

    /** Stores {@code task}; returns once it is committed. */
    void create(TaskEntity task) {
        if (closed) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "Ergon is shutting down; retry");
        }
        Pending p = new Pending(task, new CompletableFuture<>());
        if (!queue.offer(p)) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "too many tasks being created at once; retry");
        }
        try {
            p.done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ErgonException(ErrorKind.INTERNAL, "storing the task failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE, "storing the task timed out; check its state before retrying");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "interrupted while storing the task");
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            store.createAll(batch.stream().map(Pending::task).toList());
            batch.forEach(p -> p.done.complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done.completeExceptionally(e);
                return;
            }
            // One bad row fails the whole transaction: store the rest one by one so only it fails.
            LOG.log(Level.DEBUG, "batch of {0} failed ({1}); retrying one by one", batch.size(), e.toString());
            for (Pending p : batch) {
                try {
                    store.createAll(List.of(p.task));
                    p.done.complete(null);
                } catch (RuntimeException one) {
                    p.done.completeExceptionally(one);
                }
            }
        }
        try {
            events.publish(new Event("task", batch.get(0).task.getId(), "created", Integer.toString(batch.size())));
        } catch (RuntimeException e) {
            // a wake-up only; the controller polls
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : writers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
