package dev.ergon.wes;

import dev.ergon.adapters.DagAdapter;
import dev.ergon.adapters.DagWorkflow;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import dev.ergon.state.RunEntity;
import dev.ergon.state.RunState;
import dev.ergon.state.RunStore;
import dev.ergon.state.TaskState;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Drives one claimed run to its end, on its own virtual thread. Each step reads the run and its
 * tasks' states from the database and does what they call for, idempotently (tasks have ids
 * derived from the run and node, so creating one twice creates it once):
 *
 * <ul>
 *   <li>an engine run: create the engine task the adapter prepares; the run is INITIALIZING while
 *       it waits, RUNNING while it or any task tagged with the run runs, and ends as the engine
 *       task ends (COMPLETE with the adapter's outputs, EXECUTOR_ERROR, SYSTEM_ERROR); tasks the
 *       engine left behind are cancelled;
 *   <li>an Ergon DAG: create a task for every node whose dependencies completed, in parallel; a
 *       failed node with {@code on_failure: fail} cancels the running nodes and fails the run, one
 *       with {@code continue} skips only the nodes that depend on it;
 *   <li>CANCELING: cancel every task of the run, then CANCELED.
 * </ul>
 */
final class RunDriver implements Runnable {
    private static final Logger LOG = System.getLogger(RunDriver.class.getName());
    private static final Set<TaskState> FAILED =
            Set.of(TaskState.EXECUTOR_ERROR, TaskState.SYSTEM_ERROR, TaskState.CANCELED, TaskState.PREEMPTED);

    /** How long a woken driver waits for further changes before it looks (bounds steps to 50 a second per run). */
    private static final long COALESCE_MILLIS = 20;

    private final String id;
    private final String owner;
    private final WesRuntime wes;
    private final Runnable onEnd;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean stopped;
    private DagWorkflow dag;

    RunDriver(String id, String owner, WesRuntime wes, Runnable onEnd) {
        this.id = id;
        this.owner = owner;
        this.wes = wes;
        this.onEnd = onEnd;
    }

    void wake() {
        signal.release();
    }

    void stop() {
        stopped = true;
        signal.release();
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                signal.drainPermits();
                boolean done;
                try {
                    done = step();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Run " + id + ": step failed, retrying: " + e, e);
                    done = false;
                    pause(1000);
                }
                if (done) {
                    return;
                }
                try {
                    if (signal.tryAcquire(wes.settings().pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                        // Woken by a task's change: let the changes that arrive together land, so one step (one
                        // read of the run's tasks) serves many of them instead of one each.
                        Thread.sleep(COALESCE_MILLIS);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            onEnd.run();
        }
    }

    /** One look at the run. @return true when the run has ended (or is no longer this driver's) */
    boolean step() {
        Optional<RunEntity> found = wes.store().find(id);
        if (found.isEmpty() || found.get().getState().isTerminal()) {
            return true;
        }
        RunEntity r = found.get();
        if (!owner.equals(r.getLeaseOwner())) {
            return true; // another reconciler took it over
        }
        Optional<LanguageAdapter> adapter = wes.adapters().byName(r.getAdapter());
        if (adapter.isEmpty()) {
            if (r.getState() == RunState.CANCELING) {
                return cancelStep(r);
            }
            end(
                    r,
                    RunState.SYSTEM_ERROR,
                    List.of("no language adapter '" + r.getAdapter() + "' in this Ergon; add its module"),
                    null);
            return true;
        }
        if (r.getState() == RunState.CANCELING) {
            return cancelStep(r);
        }
        RunRequest request = wes.requestOf(r);
        return adapter.get() instanceof DagAdapter d ? dagStep(r, request, d) : engineStep(r, request, adapter.get());
    }

    // ---- an engine run ---------------------------------------------------------------------

    private boolean engineStep(RunEntity r, RunRequest request, LanguageAdapter adapter) {
        List<RunStore.NodeTask> nodes = wes.store().nodeTasks(id);
        Optional<RunStore.NodeTask> engine = nodes.stream()
                .filter(n -> n.node().equals(RunReconciler.ENGINE_NODE))
                .findFirst();
        if (engine.isEmpty()) {
            TaskSpec spec;
            String taskId = WesRuntime.taskId(id, RunReconciler.ENGINE_NODE);
            try {
                spec = WesRuntime.resolve(adapter.prepare(request), taskId, wes.runDir(r));
                wes.tasks().createAll(List.of(spec));
            } catch (ErgonException e) {
                end(
                        r,
                        RunState.SYSTEM_ERROR,
                        List.of("the " + r.getAdapter() + " adapter could not prepare the engine task: "
                                + e.getMessage()),
                        null);
                return true;
            }
            wes.store().addTask(id, RunReconciler.ENGINE_NODE, taskId);
            List<String> logs = new ArrayList<>();
            logs.add("engine task " + taskId + " created");
            String ignored = spec.tags().get("ergon.ignored-engine-parameters");
            if (ignored != null) {
                logs.add("workflow_engine_parameters: ignored unknown key(s) " + ignored);
            }
            advance(r.getState(), RunState.INITIALIZING, logs);
            return false;
        }
        TaskState es = engine.get().state();
        Map<String, TaskState> all = wes.store().taggedTasks(id);
        boolean anyRunning = all.values().stream().anyMatch(s -> s == TaskState.RUNNING || s == TaskState.INITIALIZING);
        if (!es.isTerminal()) {
            if (anyRunning && r.getState() != RunState.RUNNING) {
                advance(r.getState(), RunState.RUNNING, List.of());
            }
            return false;
        }
        // The engine task ended: nothing the engine started may outlive it.
        List<String> leftovers = all.entrySet().stream()
                .filter(e -> !e.getValue().isTerminal())
                .map(Map.Entry::getKey)
                .toList();
        for (String t : leftovers) {
            cancelQuietly(t);
        }
        List<String> logs = new ArrayList<>();
        if (!leftovers.isEmpty()) {
            logs.add("cancelled " + leftovers.size() + " task(s) still running when the engine task ended");
        }
        Map<String, Object> outputs = null;
        RunState target;
        switch (es) {
            case COMPLETE -> {
                target = RunState.COMPLETE;
                try {
                    outputs = adapter.outputs(request, wes.runDir(r).resolve("results"));
                } catch (RuntimeException e) {
                    logs.add("reading the engine's outputs failed: " + e.getMessage());
                    target = RunState.SYSTEM_ERROR;
                }
            }
            case EXECUTOR_ERROR -> {
                target = RunState.EXECUTOR_ERROR;
                logs.add("the engine failed (engine task " + engine.get().taskId()
                        + " EXECUTOR_ERROR); see run_log.stderr");
            }
            case PREEMPTED -> target = RunState.PREEMPTED;
            case CANCELED -> {
                target = RunState.SYSTEM_ERROR;
                logs.add("the engine task " + engine.get().taskId() + " was cancelled outside the run");
            }
            default -> {
                target = RunState.SYSTEM_ERROR;
                logs.add("the engine task " + engine.get().taskId() + " ended " + es);
            }
        }
        end(r, target, logs, outputs);
        return true;
    }

    // ---- an Ergon DAG ----------------------------------------------------------------------

    private boolean dagStep(RunEntity r, RunRequest request, DagAdapter adapter) {
        if (dag == null) {
            try {
                String doc = Files.readString(wes.runDir(r).resolve("workflow.dag"));
                dag = adapter.parse(
                        doc, dev.ergon.adapters.Documents.parseObject(r.getWorkflowParamsJson(), "workflow_params"));
            } catch (IOException | ErgonException e) {
                end(r, RunState.SYSTEM_ERROR, List.of("cannot read the run's DAG: " + e.getMessage()), null);
                return true;
            }
        }
        Map<String, TaskState> state = new HashMap<>();
        Map<String, String> taskOf = new HashMap<>();
        for (RunStore.NodeTask n : wes.store().nodeTasks(id)) {
            state.put(n.node(), n.state());
            taskOf.put(n.node(), n.taskId());
        }
        List<DagWorkflow.Node> failed = new ArrayList<>();
        boolean failFast = false;
        for (DagWorkflow.Node n : dag.nodes()) {
            TaskState s = state.get(n.name());
            if (s != null && FAILED.contains(s)) {
                failed.add(n);
                failFast |= n.onFailure() == DagWorkflow.OnFailure.FAIL;
            }
        }
        Set<String> skipped = new HashSet<>();
        failed.forEach(n -> skipped.addAll(dag.dependentsOf(n.name())));
        boolean anyRunning =
                state.values().stream().anyMatch(s -> s == TaskState.RUNNING || s == TaskState.INITIALIZING);
        if (failFast) {
            List<String> running = state.entrySet().stream()
                    .filter(e -> !e.getValue().isTerminal())
                    .map(Map.Entry::getKey)
                    .toList();
            running.forEach(n -> cancelQuietly(taskOf.get(n)));
            if (!running.isEmpty()) {
                return false; // wait for them to stop
            }
            end(
                    r,
                    failureState(failed, state),
                    failureLogs(failed, state, skipped),
                    adapter.outputs(request, wes.runDir(r).resolve("nodes")));
            return true;
        }
        Map<String, TaskSpec> ready = new LinkedHashMap<>();
        for (DagWorkflow.Node n : dag.nodes()) {
            if (state.containsKey(n.name()) || skipped.contains(n.name())) {
                continue;
            }
            if (n.dependsOn().stream().allMatch(d -> state.get(d) == TaskState.COMPLETE)) {
                String taskId = WesRuntime.taskId(id, n.name());
                ready.put(
                        n.name(), WesRuntime.resolve(adapter.taskFor(request, dag, n, taskId), taskId, wes.runDir(r)));
            }
        }
        if (!ready.isEmpty()) {
            try {
                wes.tasks().createAll(List.copyOf(ready.values()));
            } catch (ErgonException e) {
                end(r, RunState.SYSTEM_ERROR, List.of("a node's task was rejected: " + e.getMessage()), null);
                return true;
            }
            Map<String, String> ids = new LinkedHashMap<>();
            ready.forEach((node, spec) -> ids.put(node, spec.taskId()));
            wes.store().addTasks(id, ids);
            if (r.getState() == RunState.QUEUED) {
                advance(RunState.QUEUED, RunState.INITIALIZING, List.of());
            }
            return false;
        }
        boolean allDone = dag.nodes().stream()
                .allMatch(n -> skipped.contains(n.name())
                        || (state.containsKey(n.name()) && state.get(n.name()).isTerminal()));
        if (allDone) {
            Map<String, Object> outputs = adapter.outputs(request, wes.runDir(r).resolve("nodes"));
            if (failed.isEmpty()) {
                end(r, RunState.COMPLETE, List.of(dag.nodes().size() + " node(s) completed"), outputs);
            } else {
                end(r, failureState(failed, state), failureLogs(failed, state, skipped), outputs);
            }
            return true;
        }
        if ((anyRunning || state.values().stream().anyMatch(s -> s == TaskState.COMPLETE))
                && r.getState() != RunState.RUNNING) {
            advance(r.getState(), RunState.RUNNING, List.of());
        }
        return false;
    }

    private static RunState failureState(List<DagWorkflow.Node> failed, Map<String, TaskState> state) {
        return failed.stream().anyMatch(n -> state.get(n.name()) == TaskState.EXECUTOR_ERROR)
                ? RunState.EXECUTOR_ERROR
                : RunState.SYSTEM_ERROR;
    }

    private static List<String> failureLogs(
            List<DagWorkflow.Node> failed, Map<String, TaskState> state, Set<String> skipped) {
        List<String> logs = new ArrayList<>();
        failed.forEach(n -> logs.add("node " + n.name() + " failed: " + state.get(n.name()) + " (on_failure: "
                + n.onFailure().name().toLowerCase() + ")"));
        if (!skipped.isEmpty()) {
            logs.add("nodes not run because a node they depend on failed: " + new java.util.TreeSet<>(skipped));
        }
        return logs;
    }

    // ---- cancel and end --------------------------------------------------------------------

    private boolean cancelStep(RunEntity r) {
        Map<String, TaskState> all = wes.store().taggedTasks(id);
        List<String> open = all.entrySet().stream()
                .filter(e -> !e.getValue().isTerminal())
                .map(Map.Entry::getKey)
                .toList();
        open.forEach(this::cancelQuietly);
        if (all.values().stream().anyMatch(s -> !s.isTerminal() && s != TaskState.CANCELING)
                || all.values().stream().anyMatch(s -> s == TaskState.CANCELING)) {
            return false;
        }
        wes.store()
                .transition(
                        id,
                        RunState.CANCELING,
                        RunState.CANCELED,
                        List.of("cancelled; " + all.size() + " task(s) of the run ended"));
        return true;
    }

    private void cancelQuietly(String taskId) {
        try {
            wes.tasks().cancel(taskId);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Run {0}: cancelling task {1}: {2}", id, taskId, e.toString());
        }
    }

    /** Ends the run in {@code target} (or CANCELED if a cancel came first), storing its outputs first. */
    private void end(RunEntity r, RunState target, List<String> logs, Map<String, Object> outputs) {
        if (outputs != null && !outputs.isEmpty()) {
            wes.store().setOutputs(id, dev.ergon.adapters.Documents.toJson(outputs));
        }
        advance(r.getState(), target, logs);
        LOG.log(
                Level.INFO,
                "Run {0}: {1}",
                id,
                wes.store().state(id).map(Enum::name).orElse("?"));
    }

    /** Moves the run towards {@code target} from whatever state it is in now (a cancel may have come between). */
    private void advance(RunState known, RunState target, List<String> logs) {
        RunState cur = known;
        for (int i = 0; i < 5; i++) {
            if (cur == target || cur.isTerminal()) {
                return;
            }
            RunState to = target;
            if (cur == RunState.CANCELING) {
                if (!target.isTerminal()) {
                    return;
                }
                to = RunState.CANCELED;
            }
            if (!cur.canBecome(to)) {
                return;
            }
            if (wes.store().transition(id, cur, to, logs)) {
                return;
            }
            cur = wes.store().state(id).orElse(cur);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: whether {@code p} exists. */
    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
