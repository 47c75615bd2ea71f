package dev.ergon.tes;

import dev.ergon.spi.ConfigProperty;
import dev.ergon.spi.EventBus;
import dev.ergon.spi.ExecutorBackend;
import dev.ergon.spi.ExecutorBackendProvider;
import dev.ergon.spi.ExecutorCapability;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.ObservationListener;
import dev.ergon.spi.Phase;
import dev.ergon.spi.ProviderContext;
import dev.ergon.spi.TaskHandle;
import dev.ergon.spi.TaskSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend ({@code ergon.executor=counting}) that counts submissions per task across every
 * instance in the JVM, so tests can prove no task is submitted twice. Tasks complete at once;
 * a task whose first command is {@code block} stays RUNNING until cancelled.
 */
public final class CountingExecutorBackendProvider implements ExecutorBackendProvider {
    /** Submissions per task id, over all backend instances. */
    static final Map<String, AtomicInteger> SUBMITS = new ConcurrentHashMap<>();
    /** Which backend instance (controller) ran each task. */
    static final Map<String, Integer> RAN_BY = new ConcurrentHashMap<>();

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of();
    }

    @Override
    public ExecutorBackend create(ProviderContext context) {
        return new Backend(INSTANCES.incrementAndGet(), context.service(EventBus.class));
    }

    static final class Backend implements ExecutorBackend {
        private final int instance;
        /** The event bus the host handed this backend, if any. */
        final Optional<EventBus> events;

        private final Map<String, Phase> phases = new ConcurrentHashMap<>();
        private final List<ObservationListener> listeners = new CopyOnWriteArrayList<>();

        Backend(int instance, Optional<EventBus> events) {
            this.instance = instance;
            this.events = events;
        }

        @Override
        public Set<ExecutorCapability> capabilities() {
            return Set.of(ExecutorCapability.PUSHES_CHANGES);
        }

        @Override
        public TaskHandle submit(TaskSpec spec) {
            if (phases.putIfAbsent(spec.taskId(), Phase.RUNNING) == null) {
                SUBMITS.computeIfAbsent(spec.taskId(), k -> new AtomicInteger()).incrementAndGet();
                RAN_BY.put(spec.taskId(), instance);
                if (!spec.executors().get(0).command().get(0).equals("block")) {
                    phases.put(spec.taskId(), Phase.COMPLETE);
                }
                listeners.forEach(l -> l.changed(spec.taskId()));
            }
            return new TaskHandle(spec.taskId(), "counting", spec.taskId());
        }

        @Override
        public Observation observe(TaskHandle handle) {
            Phase p = phases.get(handle.taskId());
            if (p == null) {
                return Observation.unknown("unknown to counting backend " + instance);
            }
            List<ExecutorResult> results = p == Phase.COMPLETE
                    ? List.of(new ExecutorResult(
                            0, Optional.of(Instant.now()), Optional.of(Instant.now()), OptionalInt.of(0), "", ""))
                    : List.of();
            return new Observation(p, results, List.of());
        }

        @Override
        public void cancel(TaskHandle handle) {
            phases.computeIfPresent(handle.taskId(), (k, v) -> v.isTerminal() ? v : Phase.CANCELED);
            listeners.forEach(l -> l.changed(handle.taskId()));
        }

        @Override
        public void cleanup(TaskHandle handle) {}

        @Override
        public void addListener(ObservationListener listener) {
            listeners.add(listener);
        }

        @Override
        public void close() {}
    }
}
