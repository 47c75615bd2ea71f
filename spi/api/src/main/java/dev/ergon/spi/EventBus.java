package dev.ergon.spi;

import java.util.function.Consumer;

/**
 * Publishes and delivers state-change notices between Ergon processes. Notices are wake-ups, not
 * the truth: delivery is best-effort and at-most-once, the database stays the source of truth,
 * and every consumer also polls, so a lost notice delays work but never loses it. Thread-safe.
 */
public interface EventBus extends AutoCloseable {
    /** Sends {@code event} to every subscriber of its topic, in this and other processes. */
    void publish(Event event);

    /**
     * Delivers every later event of {@code topic} to {@code handler}, on a bus thread; the
     * handler must be fast and must not throw.
     */
    Subscription subscribe(String topic, Consumer<Event> handler);

    @Override
    void close();

    /** A registration; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
