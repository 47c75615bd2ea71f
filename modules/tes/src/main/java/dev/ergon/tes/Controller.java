package dev.ergon.tes;

import dev.ergon.spi.EventBus;
import dev.ergon.state.TaskEntity;
import dev.ergon.state.TaskStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks: claims queued tasks (and tasks whose controller died) with leases, and drives each
 * on its own virtual thread ({@link TaskRun}) through staging, the executor backend and the
 * final state. Woken by the event bus (a task was created or cancelled) and by the backend (a
 * task changed), with polling as the guarantee, so a task starts within milliseconds of
 * submission and a lost wake-up only delays it. Any number of controllers may share a database.
 */
@ApplicationScoped
public class Controller {
    private static final Logger LOG = System.getLogger(Controller.class.getName());

    private final ErgonRuntime runtime;
    private final String owner;
    private final Map<String, TaskRun> active = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread loop;
    private EventBus.Subscription subscription;

    @Inject
    public Controller(ErgonRuntime runtime) {
        this.runtime = runtime;
        this.owner = "ctl-" + hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts the loop (if this process's role runs tasks); idempotent. */
    public synchronized void start() {
        if (running || !runtime.settings().role().runsTasks()) {
            return;
        }
        running = true;
        TaskStore store = runtime.store();
        if (runtime.database().isEmbedded()) {
            // This process is the embedded database's only user: leases found now belong to an earlier,
            // dead incarnation of it. Expire them so its tasks are recovered at once, not after the lease.
            int n = store.expireAllLeases();
            if (n > 0) {
                LOG.log(Level.INFO, "Recovering {0} task(s) left unfinished by an earlier run", n);
            }
        }
        subscription = runtime.events().subscribe("task", e -> {
            if ("cancel".equals(e.type())) {
                TaskRun r = active.get(e.id());
                if (r != null) {
                    r.wake();
                }
            } else {
                wake.release();
            }
        });
        runtime.backend().addListener(id -> {
            TaskRun r = active.get(id);
            if (r != null) {
                r.wake();
            }
        });
        loop = Thread.ofPlatform().daemon().name("ergon-controller").start(this::loop);
        LOG.log(
                Level.INFO,
                "Controller {0} started (max {1} active tasks)",
                owner,
                runtime.settings().maxActive());
    }

    /** Wakes the claim loop now (e.g. after a task was created in this process). */
    public void wake() {
        wake.release();
    }

    private void loop() {
        ErgonSettings s = runtime.settings();
        TaskStore store = runtime.store();
        Duration lease = s.lease();
        long renewEveryNanos = lease.toNanos() / 3;
        long lastRenew = System.nanoTime();
        while (running) {
            boolean full = false;
            try {
                int capacity = s.maxActive() - active.size();
                if (capacity > 0) {
                    for (TaskEntity t : store.claimExpired(owner, capacity, lease)) {
                        LOG.log(
                                Level.INFO,
                                "Recovering task {0} (state {1}) from a controller that stopped",
                                t.getId(),
                                t.getState());
                        launch(t.getId());
                    }
                }
                capacity = s.maxActive() - active.size();
                if (capacity > 0) {
                    List<String> ids = store.claimQueued(owner, Math.min(capacity, 32), lease);
                    ids.forEach(this::launch);
                    full = ids.size() == Math.min(capacity, 32);
                }
                if (System.nanoTime() - lastRenew > renewEveryNanos) {
                    store.renewLeases(owner, active.keySet(), lease);
                    lastRenew = System.nanoTime();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "controller loop: " + e.getMessage(), e);
                sleep(500);
            }
            if (!full) {
                try {
                    wake.tryAcquire(s.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void launch(String id) {
        TaskRun run = new TaskRun(id, owner, runtime, () -> {
            active.remove(id);
            wake.release(); // capacity freed: claim more
        });
        if (active.putIfAbsent(id, run) == null) {
            Thread.ofVirtual().name("ergon-task-" + id).start(run);
        }
    }

    /** How many tasks this controller is running now. */
    public int activeCount() {
        return active.size();
    }

    /** Stops the loop and the task threads; running tasks are recovered by the next controller. */
    @PreDestroy
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        if (subscription != null) {
            subscription.close();
        }
        if (loop != null) {
            loop.interrupt();
        }
        active.values().forEach(TaskRun::stop);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
