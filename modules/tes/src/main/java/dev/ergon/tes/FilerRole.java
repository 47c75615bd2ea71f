package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.EventBusProvider;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.spi.WorkspacePaths;
import dev.ergon.staging.Filers;
import dev.ergon.staging.OutputFileLog;
import dev.ergon.staging.StagingService;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The filer role of Ergon's image: {@code --role stage-in} and {@code --role stage-out}, run as
 * the first and last container of a task's Pod by the Kubernetes executor. The instructions come
 * as JSON in {@code ERGON_STAGING_SPEC} (the contract is in
 * {@code backends/executor-kubernetes/README.md}); the same {@link StagingService} and filers
 * as Ergon's own staging move the files, configured by {@code ergon.filer.*}. No server, no
 * database.
 *
 * <p>With the job-per-phase strategy the container also gets {@code ERGON_PHASE_EVENT}, an encoded
 * {@link Event}: once staging has succeeded the role publishes it on the event bus its own config
 * names ({@code ergon.events}, e.g. {@code ERGON_EVENTS=redis} and {@code
 * ERGON_EVENTS_REDIS_URL}), so the controller starts the next phase without waiting for its Job
 * watch. Best effort: without {@code ergon.events}, or with the database bus {@code postgres},
 * nothing is published; a bus that cannot be
 * created or reached is reported in one line on {@code err} and never fails the phase; the whole
 * publish is bounded by {@link #PHASE_EVENT_DEADLINE}.
 */
public final class FilerRole {
    private FilerRole() {}

    /** The environment variable holding the event to publish after success (job-per-phase). */
    public static final String PHASE_EVENT_ENV = "ERGON_PHASE_EVENT";

    /** The longest the phase event may hold the container up: creating the bus, publishing. */
    static final Duration PHASE_EVENT_DEADLINE = Duration.ofSeconds(5);

    /** Opens the event bus the filer role publishes on; empty when none is configured. */
    @FunctionalInterface
    interface BusOpener {
        Optional<EventBus> open();
    }

    /**
     * Runs one staging role as the container does: the phase event from {@code
     * ERGON_PHASE_EVENT}, the bus from {@code ergon.events}.
     *
     * @return as {@link #run(String, String, Optional, BusOpener, PrintStream, PrintStream)}
     */
    public static int run(String role, String specJson, PrintStream out, PrintStream err) {
        return run(
                role,
                specJson,
                Optional.ofNullable(System.getenv(PHASE_EVENT_ENV)),
                () -> configuredBus(ConfigProvider.getConfig()),
                out,
                err);
    }

    /**
     * Runs one staging role, then, if it succeeded and {@code phaseEvent} is given, publishes it on
     * the bus {@code buses} opens (best effort, see the class comment).
     *
     * @return the process exit code: 0 on success; 2 for bad instructions; 1 when staging failed
     *     (the reason is on {@code err}). Publishing never changes it.
     */
    static int run(
            String role,
            String specJson,
            Optional<String> phaseEvent,
            BusOpener buses,
            PrintStream out,
            PrintStream err) {
        int rc = stage(role, specJson, out, err);
        if (rc == 0) {
            phaseEvent
                    .filter(s -> !s.isBlank())
                    .ifPresent(e -> publishPhaseEvent(role, e, buses, PHASE_EVENT_DEADLINE, out, err));
        }
        return rc;
    }

    /**
     * Publishes the encoded event {@code payload} on the bus {@code buses} opens, within {@code
     * deadline}. Never throws: whatever goes wrong is one line on {@code err}.
     */
    static void publishPhaseEvent(
            String role, String payload, BusOpener buses, Duration deadline, PrintStream out, PrintStream err) {
        String what = "ergon " + role + ": phase event not published (the Job watch reports the phase instead): ";
        Event event;
        try {
            event = Event.decode(payload.strip());
        } catch (IllegalArgumentException e) {
            err.println(what + PHASE_EVENT_ENV + " is not an encoded event");
            return;
        }
        CompletableFuture<Boolean> published = new CompletableFuture<>();
        // A daemon thread: a bus that hangs (an unreachable host, a stuck close) cannot keep the
        // container from exiting once the deadline has passed.
        Thread publisher = new Thread(
                () -> {
                    try {
                        Optional<EventBus> bus = buses.open();
                        if (bus.isEmpty()) {
                            published.complete(false);
                            return;
                        }
                        try (EventBus b = bus.get()) {
                            b.publish(event);
                            published.complete(true);
                        }
                    } catch (RuntimeException | LinkageError e) {
                        published.completeExceptionally(e);
                    }
                },
                "ergon-phase-event");
        publisher.setDaemon(true);
        publisher.start();
        try {
            if (published.get(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                out.println("ergon " + role + ": phase event published");
            }
        } catch (TimeoutException e) {
            err.println(what + "no answer within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            err.println(what + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(what + "interrupted");
        }
    }

    /**
     * The event bus {@code ergon.events} names, created as the server creates it but without a
     * database: empty when {@code ergon.events} is not set or is {@code postgres} (the server's
     * default, LISTEN/NOTIFY on Ergon's database, which a filer container has no access to); the
     * filer role then publishes nothing.
     *
     * @throws ErgonException when the name is unknown or the bus cannot be created
     */
    static Optional<EventBus> configuredBus(Config config) {
        Optional<String> name = config.getOptionalValue("ergon.events", String.class)
                .map(String::strip)
                .filter(s -> !s.isEmpty() && !s.equals("postgres"));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<String> found = new ArrayList<>();
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class)) {
            found.add(p.name());
            if (p.name().equals(name.get())) {
                Path scratch;
                try {
                    scratch = Files.createTempDirectory("ergon-events");
                } catch (IOException e) {
                    throw new ErgonException(ErrorKind.INTERNAL, "cannot create a scratch folder: " + e, e);
                }
                return Optional.of(p.create(new ConfigProviderContext(
                        config, "ergon.events." + p.name() + ".", p.configProperties(), scratch, Map.of())));
            }
        }
        throw ErgonException.invalid("ergon.events", "no event bus named '" + name.get() + "'; found " + found);
    }

    private static int stage(String role, String specJson, PrintStream out, PrintStream err) {
        JsonObject spec;
        try {
            spec = TesTasks.parseObject(specJson, "ERGON_STAGING_SPEC");
            int version = Json.integer(spec, "", "version").orElse(0L).intValue();
            if (version != 1) {
                throw ErgonException.invalid(
                        "version", "staging spec version " + version + " is not supported (expected 1)");
            }
            String declared = Json.requiredString(spec, "", "role");
            if (!declared.equals(role)) {
                throw ErgonException.invalid(
                        "role", "the spec is for '" + declared + "' but this container runs '" + role + "'");
            }
        } catch (ErgonException e) {
            err.println("ergon " + role + ": bad ERGON_STAGING_SPEC: " + e.getMessage());
            return 2;
        }
        try {
            Path root = Path.of(Json.requiredString(spec, "", "root"));
            String taskId = Json.string(spec, "", "taskId").orElse("task");
            TaskSpec task = new TaskSpec(
                    taskId,
                    Optional.empty(),
                    List.of(new ExecutorSpec(
                            "none",
                            List.of("true"),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Map.of(),
                            false)),
                    inputs(spec),
                    outputs(spec),
                    List.of(),
                    ResourceSpec.none(),
                    Map.of(),
                    Optional.empty());
            Config config = ConfigProvider.getConfig();
            Path scratch = Files.createTempDirectory("ergon-filer");
            try (Filers filers = Filers.load(name -> new ConfigProviderContext(
                            config, "ergon.filer." + name + ".", declared(name), scratch, Map.of()));
                    StagingService staging = new StagingService(
                            filers,
                            config.getOptionalValue("ergon.staging.concurrency", Integer.class)
                                    .orElse(4))) {
                if (role.equals("stage-in")) {
                    for (String folder : Json.strings(spec, "", "folders")) {
                        Path p = WorkspacePaths.resolve(root, folder);
                        Files.createDirectories(p);
                        try {
                            // executors may run as any user: they must be able to write here
                            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
                        } catch (UnsupportedOperationException | IOException ignored) {
                            // not a POSIX file system, or not ours to change: best effort
                        }
                    }
                    staging.stageIn(task, root);
                    out.println("ergon stage-in: " + task.inputs().size() + " input(s) staged");
                } else {
                    List<OutputFileLog> logs = staging.stageOut(task, root);
                    for (OutputFileLog l : logs) {
                        out.println(
                                "ergon stage-out: " + l.path() + " -> " + l.url() + " (" + l.sizeBytes() + " bytes)");
                    }
                }
            }
            return 0;
        } catch (ErgonException e) {
            err.println("ergon " + role + " failed: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("ergon " + role + " failed: " + e);
            return 1;
        }
    }

    private static List<dev.ergon.spi.ConfigProperty> declared(String name) {
        for (FilerProvider p : ServiceLoader.load(FilerProvider.class)) {
            if (p.name().equals(name)) {
                return p.configProperties();
            }
        }
        return List.of();
    }

    private static List<InputSpec> inputs(JsonObject spec) {
        List<InputSpec> out = new ArrayList<>();
        List<JsonObject> in = Json.objects(spec, "", "inputs");
        for (int i = 0; i < in.size(); i++) {
            JsonObject o = in.get(i);
            String p = "inputs[" + i + "]";
            out.add(new InputSpec(
                    Json.string(o, p, "name"),
                    Json.string(o, p, "url").filter(s -> !s.isEmpty()),
                    Json.requiredString(o, p, "path"),
                    type(o, p),
                    Json.string(o, p, "content"),
                    Json.bool(o, p, "streamable").orElse(false)));
        }
        return out;
    }

    private static List<OutputSpec> outputs(JsonObject spec) {
        List<OutputSpec> out = new ArrayList<>();
        List<JsonObject> in = Json.objects(spec, "", "outputs");
        for (int i = 0; i < in.size(); i++) {
            JsonObject o = in.get(i);
            String p = "outputs[" + i + "]";
            out.add(new OutputSpec(
                    Json.string(o, p, "name"),
                    Json.requiredString(o, p, "url"),
                    Json.requiredString(o, p, "path"),
                    Json.string(o, p, "pathPrefix")
                            .or(() -> Json.string(o, p, "path_prefix"))
                            .filter(s -> !s.isEmpty()),
                    type(o, p)));
        }
        return out;
    }

    private static FileType type(JsonObject o, String p) {
        String t = Json.string(o, p, "type").orElse("FILE");
        try {
            return FileType.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid(p + ".type", "'" + t + "' is not one of FILE, DIRECTORY");
        }
    }
}
