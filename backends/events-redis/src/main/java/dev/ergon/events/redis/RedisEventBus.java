package dev.ergon.events.redis;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An {@link EventBus} on Redis pub/sub: every event is PUBLISHed on one channel, and one
 * subscribed connection per bus delivers them. Like every Ergon bus it only speeds wake-ups up:
 * a lost message (Redis down, a reconnect in progress) delays work until the next poll, it never
 * loses it. Publishing never blocks longer than {@code timeout}. The subscribed connection opens
 * with the first {@link #subscribe}, so a bus that only publishes (the filer role of a Kubernetes
 * phase container) holds no second connection and logs no reconnects. Thread-safe.
 */
public final class RedisEventBus implements EventBus {
    private static final Logger LOG = System.getLogger(RedisEventBus.class.getName());

    private final Vertx vertx;
    private final Redis client;
    private final String channel;
    private final Duration timeout;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private volatile RedisConnection subscriber;
    private volatile boolean closed;
    private final AtomicBoolean subscribing = new AtomicBoolean();
    private volatile long backoffMillis = 100;

    /**
     * @param url a Redis connection string, e.g. {@code redis://127.0.0.1:6379} (a password in it
     *     is never logged)
     * @param channel the pub/sub channel every Ergon process of one installation uses
     * @param timeout how long a publish may take before it is given up
     */
    public RedisEventBus(String url, String channel, Duration timeout) {
        this.channel = requireNonNull(channel, "channel is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.vertx = Vertx.vertx();
        this.client =
                Redis.createClient(vertx, new RedisOptions().setConnectionString(requireNonNull(url, "url is null")));
    }

    /** Opens the subscribing connection; on failure or loss, tries again with backoff. */
    private void subscribe() {
        if (closed) {
            return;
        }
        client.connect()
                .onSuccess(conn -> {
                    conn.handler(this::onMessage);
                    conn.exceptionHandler(e -> reconnect(conn, e.toString()));
                    conn.endHandler(v -> reconnect(conn, "connection closed"));
                    conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
                            .onSuccess(r -> {
                                subscriber = conn;
                                backoffMillis = 100;
                            })
                            .onFailure(e -> reconnect(conn, e.toString()));
                })
                .onFailure(e -> reconnect(null, e.toString()));
    }

    private void reconnect(RedisConnection conn, String why) {
        if (closed) {
            return;
        }
        if (conn != null) {
            if (subscriber != conn && subscriber != null) {
                return; // an old connection ending; a newer one is in place
            }
            subscriber = null;
            conn.close();
        }
        long wait = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, 5000);
        LOG.log(Level.WARNING, "Redis event subscription lost ({0}); retrying in {1} ms", why, wait);
        vertx.setTimer(wait, id -> subscribe());
    }

    private void onMessage(Response r) {
        // A pub/sub message is ["message", channel, payload] (RESP2) or a push of the same (RESP3).
        if (r == null || r.size() < 3 || !"message".equalsIgnoreCase(r.get(0).toString())) {
            return;
        }
        Event e;
        try {
            e = Event.decode(r.get(2).toString());
        } catch (IllegalArgumentException ex) {
            return;
        }
        for (Registration reg : registrations) {
            if (reg.topic.equals(e.topic())) {
                try {
                    reg.handler.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "event handler failed: {0}", ex.toString());
                }
            }
        }
    }

    /** Whether the subscribing connection is up (for health and tests). */
    public boolean subscribed() {
        return subscriber != null;
    }

    @Override
    public void publish(Event event) {
        if (closed) {
            return;
        }
        try {
            client.send(Request.cmd(Command.PUBLISH).arg(channel).arg(event.encode()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "interrupted while publishing to Redis", e);
        } catch (Exception e) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "cannot publish to Redis: " + e, e);
        }
    }

    @Override
    public Subscription subscribe(String topic, Consumer<Event> handler) {
        Registration r =
                new Registration(requireNonNull(topic, "topic is null"), requireNonNull(handler, "handler is null"));
        registrations.add(r);
        if (subscribing.compareAndSet(false, true)) {
            subscribe();
        }
        return () -> registrations.remove(r);
    }

    @Override
    public void close() {
        closed = true;
        registrations.clear();
        RedisConnection c = subscriber;
        if (c != null) {
            c.close();
        }
        client.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing Vert.x: {0}", e.toString());
        }
    }

    private record Registration(String topic, Consumer<Event> handler) {}
}
