package dev.ergon.executor.kubernetes;

import dev.ergon.spi.Event;
import java.util.Optional;

/**
 * The phase completions of strategy job-per-phase as events on Ergon's {@link
 * dev.ergon.spi.EventBus}. The stage-in and stage-out containers run Ergon's own image, which
 * publishes the event given in {@link #ENV} once the phase has succeeded, when its environment
 * configures a bus that reaches Ergon: {@code ERGON_EVENTS=redis} with the Redis URL, set from
 * {@code phase-events.redis-url} or {@code phase-events.redis-url-secret} (a secretKeyRef), or
 * through {@code filer-env-secret}. Executors run user images, which publish nothing: their completions
 * come from the Job watch alone. A signal only speeds the next phase up; without it the watch (or
 * the poll) sees the same completion a little later. Stateless.
 */
final class PhaseSignals {
    private PhaseSignals() {}

    /** The topic of phase events. */
    static final String TOPIC = "executor-kubernetes-phase";
    /** The event type: the phase succeeded. */
    static final String SUCCEEDED = "succeeded";
    /** The environment variable of the filer containers that holds the encoded event to publish. */
    static final String ENV = "ERGON_PHASE_EVENT";
    /** The filer's {@code ergon.events} (the bus it publishes on), as an environment variable. */
    static final String EVENTS_ENV = "ERGON_EVENTS";
    /** The filer's {@code ergon.events.redis.url}. */
    static final String REDIS_URL_ENV = "ERGON_EVENTS_REDIS_URL";
    /** The filer's {@code ergon.events.redis.channel}. */
    static final String REDIS_CHANNEL_ENV = "ERGON_EVENTS_REDIS_CHANNEL";

    /** The event phase {@code phase} of task {@code taskId} publishes when it has succeeded. */
    static Event event(String taskId, int phase) {
        return new Event(TOPIC, taskId, SUCCEEDED, Integer.toString(phase));
    }

    /** The phase index an event reports as succeeded, if it is one of ours. */
    static Optional<Integer> succeededPhase(Event e) {
        if (!TOPIC.equals(e.topic()) || !SUCCEEDED.equals(e.type())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(e.detail().strip()));
        } catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }
}
