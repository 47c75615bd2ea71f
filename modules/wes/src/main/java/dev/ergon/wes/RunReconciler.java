package dev.ergon.wes;

import dev.ergon.spi.EventBus;
import dev.ergon.state.RunStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Advances runs, like the TES controller advances tasks: claims unfinished runs with leases
 * (so any number of reconcilers share a database, and a dead one's runs are taken over when its
 * leases expire) and drives each on its own virtual thread ({@link RunDriver}). Woken by events:
 * a run was created or cancelled (published by the API), a run's task changed state (sent by the
 * database when the change commits); polling is the guarantee. Every step reads the truth from
 * the database and acts idempotently, so a restart at any moment resumes where it was.
 */
@ApplicationScoped
public class RunReconciler {
    /** The node name of an engine task in run_task. */
    static final String ENGINE_NODE = "engine";

    private static final Logger LOG = System.getLogger(RunReconciler.class.getName());

    private final WesRuntime wes;
    private final String owner = "wes-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, RunDriver> active = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread loop;
    private EventBus.Subscription subscription;

    @Inject
    public RunReconciler(WesRuntime wes) {
        this.wes = wes;
    }

    /** Starts the loop when this process runs work; idempotent. */
    public synchronized void start() {
        if (running || !wes.tasks().runsTasks()) {
            return;
        }
        running = true;
        RunStore store = wes.store();
        if (wes.tasks().embeddedDatabase()) {
            int n = store.expireAllLeases();
            if (n > 0) {
                LOG.log(Level.INFO, "Recovering {0} run(s) left unfinished by an earlier run", n);
            }
        }
        subscription = wes.tasks().events().subscribe("run", e -> {
            if (e.type().equals("task")
                    && (e.detail().equals("QUEUED") || e.detail().equals("INITIALIZING"))) {
                return; // a task being staged changes nothing for its run
            }
            RunDriver d = active.get(e.id());
            if (d != null) {
                d.wake();
            } else {
                wake.release();
            }
        });
        loop = Thread.ofPlatform().daemon().name("ergon-run-reconciler").start(this::loop);
        LOG.log(Level.INFO, "Run reconciler {0} started", owner);
    }

    private void loop() {
        WesSettings s = wes.settings();
        Duration lease = s.lease();
        long renewEvery = lease.toNanos() / 3;
        long lastRenew = System.nanoTime();
        while (running) {
            try {
                int capacity = s.maxActive() - active.size();
                if (capacity > 0) {
                    List<String> ids = wes.store().claim(owner, Math.min(capacity, 32), lease);
                    ids.forEach(this::launch);
                }
                if (System.nanoTime() - lastRenew > renewEvery) {
                    wes.store().renewLeases(owner, active.keySet(), lease);
                    lastRenew = System.nanoTime();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "run reconciler loop: " + e.getMessage(), e);
            }
            try {
                wake.tryAcquire(s.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void launch(String id) {
        RunDriver d = new RunDriver(id, owner, wes, () -> {
            active.remove(id);
            wake.release();
        });
        if (active.putIfAbsent(id, d) == null) {
            Thread.ofVirtual().name("ergon-run-" + id).start(d);
        }
    }

    /** Wakes the claim loop (a run was created in this process). */
    public void wake() {
        wake.release();
    }

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
        active.values().forEach(RunDriver::stop);
    }
}
