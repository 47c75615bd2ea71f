package dev.ergon.executor.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops a sandboxed executor and everything it started. Stateless; thread-safe. */
final class ProcessTree {
    private ProcessTree() {}

    /**
     * Sends SIGTERM to every descendant of {@code bwrap} (the executor's processes; bwrap itself is
     * spared so the command gets its grace period), then, if bwrap has not ended after {@code
     * grace}, SIGKILL to bwrap and every descendant. bwrap runs the command in its own PID
     * namespace, so killing bwrap (and with it the namespace's init) kills whatever is left in the
     * sandbox, however the command detached. A bwrap without children yet (still setting up the
     * sandbox) is killed at once. Returns at once; the SIGKILL is sent from a virtual thread.
     */
    static void terminate(Process bwrap, Duration grace) {
        if (!bwrap.isAlive()) {
            return;
        }
        if (grace.isZero()) {
            kill(bwrap);
            return;
        }
        List<ProcessHandle> tree = bwrap.descendants().toList();
        if (tree.isEmpty()) {
            kill(bwrap); // still setting up: no command yet to be graceful to
            return;
        }
        tree.forEach(ProcessHandle::destroy);
        Thread.ofVirtual().name("ergon-local-kill-" + bwrap.pid()).start(() -> {
            try {
                bwrap.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                kill(bwrap);
            } catch (InterruptedException e) {
                kill(bwrap);
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                kill(bwrap);
            }
        });
    }

    /** SIGKILL to {@code bwrap} and all its descendants now. */
    static void kill(Process bwrap) {
        // Snapshot first: once bwrap is gone its children are re-parented and no longer its descendants.
        List<ProcessHandle> tree = new ArrayList<>(bwrap.descendants().toList());
        bwrap.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
