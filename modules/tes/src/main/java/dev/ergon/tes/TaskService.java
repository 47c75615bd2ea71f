package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.Event;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.TaskSpec;
import dev.ergon.state.Database;
import dev.ergon.state.TaskEntity;
import dev.ergon.state.TaskPage;
import dev.ergon.state.TaskQuery;
import dev.ergon.state.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The TES operations, independent of HTTP: create (validate, store in one transaction, wake a
 * controller), get, list (keyset pages), cancel. Thread-safe.
 */
@ApplicationScoped
public class TaskService {
    /** TES: page_size must be less than 2048. */
    static final int MAX_PAGE_SIZE = 2047;

    private static final Logger LOG = System.getLogger(TaskService.class.getName());

    private final ErgonRuntime runtime;

    @Inject
    public TaskService(ErgonRuntime runtime) {
        this.runtime = runtime;
    }

    /** Validates and stores a task; returns its id. Nothing is stored when validation fails. */
    public String create(String body) {
        JsonObject json = TesTasks.parseObject(body, "body");
        String id = newId();
        TesTasks.Parsed parsed = runtime.tesTasks().parseCreate(json, id);
        runtime.staging().validate(parsed.spec());
        runtime.taskWriter().create(parsed.entity());
        return id;
    }

    /**
     * Stores tasks that Ergon builds itself (WES engine tasks and DAG nodes), each validated like
     * a CreateTask body, in one transaction, and wakes a controller. Idempotent by task id: a task
     * whose id already exists is left as it is, so a run reconciler that restarts may call it
     * again with the same ids.
     *
     * @return the ids of the tasks this call created
     * @throws ErgonException INVALID_INPUT naming the field of the first invalid task
     */
    public List<String> createAll(List<TaskSpec> specs) {
        List<TaskEntity> entities = new ArrayList<>();
        for (TaskSpec spec : specs) {
            TesTasks.Parsed parsed = runtime.tesTasks().fromSpec(spec);
            runtime.staging().validate(parsed.spec());
            entities.add(parsed.entity());
        }
        if (entities.isEmpty()) {
            return List.of();
        }
        List<String> created = new ArrayList<>();
        try {
            runtime.store().createAll(entities);
            entities.forEach(e -> created.add(e.getId()));
        } catch (RuntimeException e) {
            // Some exist already (a retry after a restart): create the others one by one.
            for (TaskEntity t : entities) {
                if (runtime.store().state(t.getId()).isPresent()) {
                    continue;
                }
                runtime.store().create(t);
                created.add(t.getId());
            }
        }
        if (!created.isEmpty()) {
            wake(new Event("task", created.get(0), "created", Integer.toString(created.size())));
        }
        return created;
    }

    /** The task's state, if it exists (a cheap read for WES). */
    public Optional<TaskState> state(String id) {
        return runtime.store().state(id);
    }

    /** The event bus of this Ergon (WES subscribes to run wake-ups on it). */
    public EventBus events() {
        return runtime.events();
    }

    /** The database (WES keeps its runs in it). */
    public Database database() {
        return runtime.database();
    }

    /** Ergon's data folder ({@code ergon.data-dir}). */
    public Path dataDir() {
        return runtime.settings().dataDir();
    }

    /** Whether this process serves the API ({@code --role api|all}). */
    public boolean servesApi() {
        return runtime.settings().role().servesApi();
    }

    /** Whether this process runs work ({@code --role controller|all}). */
    public boolean runsTasks() {
        return runtime.settings().role().runsTasks();
    }

    /** Whether the database is embedded (this process is its only user). */
    public boolean embeddedDatabase() {
        return runtime.database().isEmbedded();
    }

    /** The URL schemes the filers serve, e.g. {@code file}, {@code http}. */
    public Set<String> storageSchemes() {
        return new TreeSet<>(runtime.filers().schemes());
    }

    /** The task as TES JSON in {@code view}. */
    public JsonObject get(String id, String view) {
        TesTasks.View v = TesTasks.view(view);
        TaskEntity t = runtime.store()
                .find(id, v != TesTasks.View.MINIMAL)
                .orElseThrow(() -> ErgonException.notFound("task '" + id + "' not found"));
        return runtime.tesTasks().write(t, v);
    }

    /** One ListTasks page as TES JSON. */
    public JsonObject list(
            String namePrefix,
            String state,
            List<String> tagKeys,
            List<String> tagValues,
            Integer pageSize,
            String pageToken,
            String view) {
        TesTasks.View v = TesTasks.view(view);
        int size = pageSize == null ? runtime.settings().defaultPageSize() : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ErgonException.invalid("page_size", "must be between 1 and " + MAX_PAGE_SIZE + ", got " + size);
        }
        Optional<TaskState> st = Optional.empty();
        if (state != null && !state.isEmpty()) {
            try {
                st = Optional.of(TaskState.valueOf(state));
            } catch (IllegalArgumentException e) {
                throw ErgonException.invalid("state", "'" + state + "' is not a TES state");
            }
        }
        if (tagValues.size() > tagKeys.size()) {
            throw ErgonException.invalid("tag_value", "has more values than tag_key has keys");
        }
        List<TaskQuery.TagFilter> tags = new ArrayList<>();
        for (int i = 0; i < tagKeys.size(); i++) {
            String value = i < tagValues.size() ? tagValues.get(i) : "";
            tags.add(new TaskQuery.TagFilter(tagKeys.get(i), value.isEmpty() ? Optional.empty() : Optional.of(value)));
        }
        TaskQuery q = new TaskQuery(
                Optional.ofNullable(namePrefix).filter(s -> !s.isEmpty()),
                st,
                tags,
                size,
                PageTokens.decode(PageTokens.TASKS, pageToken));
        TaskPage page = runtime.store().list(q, v != TesTasks.View.MINIMAL);
        JsonArrayBuilder tasks = TesTasks.JSON.createArrayBuilder();
        for (TaskEntity t : page.tasks()) {
            tasks.add(runtime.tesTasks().write(t, v));
        }
        JsonObjectBuilder out = TesTasks.JSON.createObjectBuilder().add("tasks", tasks);
        page.nextBeforeSeq().ifPresent(s -> out.add("next_page_token", PageTokens.encode(PageTokens.TASKS, s)));
        return out.build();
    }

    /** Cancels a task (idempotent); 404 for an unknown id. */
    public void cancel(String id) {
        switch (runtime.store().requestCancel(id)) {
            case NOT_FOUND -> throw ErgonException.notFound("task '" + id + "' not found");
            case CANCELING -> wake(new Event("task", id, "cancel", ""));
            case CANCELED, UNCHANGED -> {}
        }
    }

    /**
     * A random (version 4) UUID from a per-thread DRBG: as unguessable as {@link UUID#randomUUID()}
     * without its process-wide lock on the entropy source.
     */
    static String newId() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong()).toString();
    }

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    });

    private void wake(Event e) {
        try {
            runtime.events().publish(e);
        } catch (RuntimeException ex) {
            // A wake-up only: the controller's poll picks the change up anyway.
            LOG.log(Level.DEBUG, "could not publish {0}: {1}", e, ex.toString());
        }
    }
}
