package dev.ergon.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventBus} must do. Subclasses create two buses that share a medium (two
 * connections to the same database, two Redis clients, or the same in-memory bus twice), so
 * delivery across processes is tested the way it happens in production.
 */
public abstract class EventBusContract {
    private EventBus publisher;
    private EventBus subscriber;

    /** A new bus; two calls must reach each other. */
    protected abstract EventBus createBus();

    /** How long delivery may take on this bus. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    void openBuses() {
        publisher = createBus();
        subscriber = createBus();
    }

    @AfterEach
    void closeBuses() {
        publisher.close();
        if (subscriber != publisher) {
            subscriber.close();
        }
    }

    @Test
    public void deliversToSubscribersOfTheTopic() {
        String topic = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<Event> got = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription s = subscriber.subscribe(topic, got::add)) {
            Event e = new Event(topic, "id-1", "state", "RUNNING");
            publishUntilReceived(e, got);
            assertEquals(e, got.get(got.size() - 1));
        }
    }

    @Test
    public void doesNotDeliverOtherTopics() {
        String topic = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<Event> mine = new CopyOnWriteArrayList<>();
        List<Event> other = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription a = subscriber.subscribe(topic, mine::add);
                EventBus.Subscription b = subscriber.subscribe(topic + "x", other::add)) {
            publishUntilReceived(new Event(topic, "id-2", "created", ""), mine);
            assertTrue(other.isEmpty(), "an event of another topic was delivered: " + other);
        }
    }

    @Test
    public void closedSubscriptionStopsDelivery() {
        String topic = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<Event> got = new CopyOnWriteArrayList<>();
        List<Event> probe = new CopyOnWriteArrayList<>();
        EventBus.Subscription s = subscriber.subscribe(topic, got::add);
        try (EventBus.Subscription p = subscriber.subscribe(topic, probe::add)) {
            publishUntilReceived(new Event(topic, "id-3", "created", ""), got);
            s.close();
            int before = got.size();
            probe.clear();
            publishUntilReceived(new Event(topic, "id-4", "created", ""), probe);
            assertEquals(before, got.size(), "a closed subscription still received events");
        }
    }

    @Test
    public void aThrowingHandlerDoesNotStopOthers() {
        String topic = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<Event> got = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription bad = subscriber.subscribe(topic, e -> {
                    throw new IllegalStateException("boom");
                });
                EventBus.Subscription good = subscriber.subscribe(topic, got::add)) {
            publishUntilReceived(new Event(topic, "id-5", "state", "COMPLETE"), got);
        }
    }

    /** Subscriptions on some buses become active asynchronously: publish until one arrives. */
    private void publishUntilReceived(Event e, List<Event> sink) {
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            publisher.publish(e);
            long wait = System.nanoTime() + Duration.ofMillis(200).toNanos();
            while (System.nanoTime() < wait) {
                if (sink.contains(e)) {
                    return;
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new AssertionError("event not delivered within " + deliveryTimeout() + ": " + e);
    }
}
