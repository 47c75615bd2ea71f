package dev.ergon.state;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The default {@link EventBus}: PostgreSQL LISTEN/NOTIFY on one channel, so every Ergon process
 * that shares the database hears every other. One listener thread per bus holds one connection
 * and reconnects after a failure. Delivery is best-effort (a notice sent while the listener
 * reconnects is lost); consumers also poll. Thread-safe.
 */
public final class PostgresEventBus implements EventBus {
    static final String CHANNEL = "ergon_events";
    private static final Logger LOG = System.getLogger(PostgresEventBus.class.getName());

    private final DataSource dataSource;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final Thread listener;
    private volatile boolean closed;

    public PostgresEventBus(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.listener = Thread.ofPlatform().daemon().name("ergon-pg-listen").start(this::listen);
    }

    @Override
    public void publish(Event event) {
        String payload = event.encode();
        if (payload.length() > 7900) {
            throw new IllegalArgumentException("event too large for NOTIFY: " + payload.length() + " characters");
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        } catch (SQLException e) {
            throw new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, "cannot publish event: " + e.getMessage(), e);
        }
    }

    @Override
    public Subscription subscribe(String topic, Consumer<Event> handler) {
        Registration r =
                new Registration(requireNonNull(topic, "topic is null"), requireNonNull(handler, "handler is null"));
        registrations.add(r);
        return () -> registrations.remove(r);
    }

    private void listen() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = 100;
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            dispatch(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "LISTEN connection lost ({0}); reconnecting in {1} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void dispatch(String payload) {
        Event e;
        try {
            e = Event.decode(payload);
        } catch (IllegalArgumentException ex) {
            return;
        }
        for (Registration r : registrations) {
            if (r.topic.equals(e.topic())) {
                try {
                    r.handler.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "event handler failed: {0}", ex.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        registrations.clear();
        listener.interrupt();
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Registration(String topic, Consumer<Event> handler) {}
}
