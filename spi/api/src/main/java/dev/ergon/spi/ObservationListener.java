package dev.ergon.spi;

/**
 * Told by a backend that something about a task changed, so Ergon observes it now instead of at
 * its next poll. A hint only: Ergon still polls, so a lost call delays but never loses a change.
 * Called from backend threads; implementations must be fast and thread-safe.
 */
@FunctionalInterface
public interface ObservationListener {
    void changed(String taskId);
}
