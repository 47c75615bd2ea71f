package dev.ergon.testkit;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The reference event bus: delivers within one process, synchronously on the publishing thread.
 * Passes {@link EventBusContract}. Thread-safe.
 */
public final class InMemoryEventBus implements EventBus {
    private final List<Registration> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public void publish(Event event) {
        requireNonNull(event, "event is null");
        if (closed) {
            return;
        }
        for (Registration r : subscribers) {
            if (r.topic.equals(event.topic())) {
                try {
                    r.handler.accept(event);
                } catch (RuntimeException e) {
                    // A handler must not throw; one that does must not stop delivery to the others.
                }
            }
        }
    }

    @Override
    public Subscription subscribe(String topic, Consumer<Event> handler) {
        Registration r =
                new Registration(requireNonNull(topic, "topic is null"), requireNonNull(handler, "handler is null"));
        subscribers.add(r);
        return () -> subscribers.remove(r);
    }

    @Override
    public void close() {
        closed = true;
        subscribers.clear();
    }

    private record Registration(String topic, Consumer<Event> handler) {}
}
