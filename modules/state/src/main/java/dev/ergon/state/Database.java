package dev.ergon.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.flywaydb.core.Flyway;

/**
 * Ergon's database: the embedded PostgreSQL (or a server at {@code ergon.db.url}), a HikariCP
 * pool, the Flyway migrations, and the JPA (EclipseLink) persistence unit {@code ergon}.
 * Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Database.class.getName());

    private final EmbeddedDatabase embedded;
    private final HikariDataSource dataSource;
    private final EntityManagerFactory emf;
    private final String jdbcUrl;

    private Database(EmbeddedDatabase embedded, HikariDataSource dataSource, EntityManagerFactory emf, String jdbcUrl) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.emf = emf;
        this.jdbcUrl = jdbcUrl;
    }

    /** Starts (embedded) or connects to the database, and migrates the schema. */
    public static Database open(DatabaseSettings settings) {
        EmbeddedDatabase embedded = null;
        String url;
        String user;
        String password;
        if (settings.url().isPresent()) {
            url = settings.url().get();
            user = settings.user().orElse(null);
            password = settings.password().orElse(null);
        } else {
            embedded = EmbeddedDatabase.start(settings.dataDir().resolve("postgres"));
            url = embedded.jdbcUrl();
            user = "postgres";
            password = null;
        }
        try {
            HikariConfig hc = new HikariConfig();
            // stringtype=unspecified lets JSON text bind to jsonb columns.
            hc.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "stringtype=unspecified");
            if (user != null) {
                hc.setUsername(user);
            }
            if (password != null) {
                hc.setPassword(password);
            }
            hc.setMaximumPoolSize(settings.poolSize());
            hc.setPoolName("ergon");
            HikariDataSource ds = new HikariDataSource(hc);
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            EntityManagerFactory emf = Persistence.createEntityManagerFactory(
                    "ergon", Map.of(PersistenceUnitProperties.NON_JTA_DATASOURCE, ds));
            LOG.log(Level.INFO, "Database ready: {0}", redact(url));
            return new Database(embedded, ds, emf, url);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Whether this process runs the database itself (and so is its only user). */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The pooled data source (for LISTEN/NOTIFY and raw JDBC). */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        return redact(jdbcUrl);
    }

    /** Runs {@code work} in one transaction and commits it; rolls back on any exception. */
    public <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            if (tx.isActive()) {
                tx.rollback();
            }
            throw e;
        } finally {
            em.close();
        }
    }

    /** Runs read-only {@code work} with a fresh entity manager. */
    public <T> T read(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    @Override
    public void close() {
        try {
            emf.close();
        } finally {
            dataSource.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
