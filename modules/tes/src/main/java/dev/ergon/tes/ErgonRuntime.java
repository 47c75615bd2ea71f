package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.EventBusProvider;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorBackendProvider;
import dev.ergon.spi.FilerProvider;
import dev.ergon.staging.Filers;
import dev.ergon.staging.StagingService;
import dev.ergon.state.Database;
import dev.ergon.state.DatabaseSettings;
import dev.ergon.state.TaskStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Everything a running Ergon holds once: settings, database, task store, event bus, executor
 * backend, filers and staging. Providers are found with {@link ServiceLoader} and chosen by
 * name; an unknown name fails start-up with the names that were found.
 */
@ApplicationScoped
public class ErgonRuntime {
    private static final Logger LOG = System.getLogger(ErgonRuntime.class.getName());

    private ErgonSettings settings;
    private Database database;
    private TaskStore store;
    private EventBus events;
    private ExecutorBackend backend;
    private String backendName;
    private Filers filers;
    private StagingService staging;
    private TesTasks tesTasks;
    private TaskWriter taskWriter;
    private volatile boolean started;

    /** Starts everything; idempotent. Called by the first bean that needs the runtime. */
    void ensureStarted() {
        if (!started) { // volatile read: no lock on the request path once started
            start();
        }
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        settings = ErgonSettings.from(config);
        LOG.log(Level.INFO, "Starting Ergon: {0}", settings);
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "ergon.data-dir: cannot create " + settings.dataDir() + ": " + e.getMessage(), e);
        }
        database = Database.open(new DatabaseSettings(
                settings.dbUrl(), settings.dbUser(), settings.dbPassword(), settings.dataDir(), settings.dbPoolSize()));
        store = new TaskStore(database, Clock.systemUTC());
        Map<Class<?>, Object> services = Map.of(DataSource.class, database.dataSource());
        events = createEvents(config, services);
        filers = Filers.load(name -> new ConfigProviderContext(
                config, "ergon.filer." + name + ".", declaredFiler(name), providerDir("filer-" + name), services));
        staging = new StagingService(filers, settings.stagingConcurrency());
        // The backend gets the bus too (e.g. the Kubernetes job-per-phase strategy listens for
        // the phase completions its filer containers publish); the database stays its own.
        Map<Class<?>, Object> backendServices = Map.of(DataSource.class, database.dataSource(), EventBus.class, events);
        backend = createBackend(config, backendServices);
        backend.unavailableReason()
                .ifPresent(r -> LOG.log(
                        Level.WARNING,
                        "Executor backend ''{0}'' cannot run tasks: {1}. Tasks will end in SYSTEM_ERROR until this is fixed.",
                        backendName,
                        r));
        tesTasks = new TesTasks(settings.maxContentBytes());
        taskWriter = new TaskWriter(store, events, 2);
        started = true;
    }

    private Path providerDir(String name) {
        Path p = settings.dataDir().resolve("providers").resolve(name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + p + ": " + e.getMessage(), e);
        }
        return p;
    }

    private static List<dev.ergon.spi.ConfigProperty> declaredFiler(String name) {
        for (FilerProvider p : ServiceLoader.load(FilerProvider.class)) {
            if (p.name().equals(name)) {
                return p.configProperties();
            }
        }
        return List.of();
    }

    private EventBus createEvents(Config config, Map<Class<?>, Object> services) {
        List<String> found = new ArrayList<>();
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class)) {
            found.add(p.name());
            if (p.name().equals(settings.events())) {
                LOG.log(
                        Level.INFO,
                        "Registering event bus ''{0}'' ({1})",
                        p.name(),
                        p.getClass().getModule().getName() == null
                                ? p.getClass().getPackageName()
                                : p.getClass().getModule().getName());
                return p.create(new ConfigProviderContext(
                        config,
                        "ergon.events." + p.name() + ".",
                        p.configProperties(),
                        providerDir("events-" + p.name()),
                        services));
            }
        }
        throw new ErgonException(
                ErrorKind.INVALID_INPUT,
                "ergon.events",
                "ergon.events: no event bus named '" + settings.events() + "'; found " + found
                        + ". Add the module that provides it (e.g. ergon-events-redis) to the class path.",
                null);
    }

    private ExecutorBackend createBackend(Config config, Map<Class<?>, Object> services) {
        List<String> found = new ArrayList<>();
        for (ExecutorBackendProvider p : ServiceLoader.load(ExecutorBackendProvider.class)) {
            found.add(p.name());
            if (p.name().equals(settings.executor())) {
                LOG.log(
                        Level.INFO,
                        "Registering executor backend ''{0}'' ({1})",
                        p.name(),
                        p.getClass().getPackageName());
                backendName = p.name();
                return p.create(new ConfigProviderContext(
                        config,
                        "ergon.executor." + p.name() + ".",
                        p.configProperties(),
                        providerDir("executor-" + p.name()),
                        services));
            }
        }
        throw new ErgonException(
                ErrorKind.INVALID_INPUT,
                "ergon.executor",
                "ergon.executor: no executor backend named '" + settings.executor() + "'; found " + found
                        + ". Add the module that provides it (e.g. ergon-executor-kubernetes) to the class path.",
                null);
    }

    ErgonSettings settings() {
        ensureStarted();
        return settings;
    }

    /** The database (for health checks and tests). */
    public Database database() {
        ensureStarted();
        return database;
    }

    TaskStore store() {
        ensureStarted();
        return store;
    }

    EventBus events() {
        ensureStarted();
        return events;
    }

    ExecutorBackend backend() {
        ensureStarted();
        return backend;
    }

    String backendName() {
        ensureStarted();
        return backendName;
    }

    Filers filers() {
        ensureStarted();
        return filers;
    }

    StagingService staging() {
        ensureStarted();
        return staging;
    }

    TesTasks tesTasks() {
        ensureStarted();
        return tesTasks;
    }

    TaskWriter taskWriter() {
        ensureStarted();
        return taskWriter;
    }

    @PreDestroy
    synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        closeQuietly(taskWriter);
        closeQuietly(backend);
        closeQuietly(staging);
        closeQuietly(filers);
        closeQuietly(events);
        closeQuietly(database);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing {0} failed: {1}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
