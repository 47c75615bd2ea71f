package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Observation;
import dev.ergon.spi.Phase;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns what the cluster says about a task's Job and Pod into an {@link Observation}. Pure: no API
 * calls, no clock of its own, so every mapping rule is unit-tested from hand-built statuses.
 *
 * <ul>
 *   <li>Job suspended and never admitted: QUEUED. Suspended again after it was admitted (Kueue
 *       preempted or evicted it): PREEMPTED.
 *   <li>No Pod yet, or the Pod not scheduled: QUEUED. Pod scheduled, no executor started yet
 *       (staging in, pulling the first image): INITIALIZING. An executor (or stage-out) started:
 *       RUNNING.
 *   <li>Pod succeeded: COMPLETE. An executor exited non-zero: EXECUTOR_ERROR (later executors never
 *       start; an OOMKilled executor gets a system log line). stage-in or stage-out failed, the Job's
 *       deadline passed, an image failed to pull for longer than the grace: SYSTEM_ERROR with a
 *       system log line saying why.
 *   <li>The Pod evicted, preempted by the scheduler, lost with its node or deleted by someone else
 *       (condition DisruptionTarget, reason Evicted, …): PREEMPTED, not a failure of the task.
 *   <li>The Job being deleted (after a cancel by an earlier Ergon process): CANCELED.
 * </ul>
 */
final class ObservationMapper {
    private ObservationMapper() {}

    private static final Set<String> PULL_PROBLEMS = Set.of(
            "ErrImagePull",
            "ImagePullBackOff",
            "ErrImageNeverPull",
            "InvalidImageName",
            "RegistryUnavailable",
            "SignatureValidationFailed",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");
    /** Waiting reasons that will not resolve by waiting. */
    private static final Set<String> HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull");
    /** Pod reasons the kubelet or the control plane give when they take a Pod's capacity away. */
    private static final Set<String> DISRUPTION_REASONS =
            Set.of("Evicted", "Preempting", "Shutdown", "NodeShutdown", "Terminated", "NodeLost", "NodeAffinity");

    /**
     * What is known about a task.
     *
     * @param job its Job, as last seen
     * @param pod its Pod, as last seen, if it has one
     * @param lastPod the last Pod this process saw for it, when {@code pod} is gone
     * @param admitted whether this process saw the Job unsuspended or running (a suspended Job that
     *     was admitted has been preempted)
     * @param logs the log tails fetched so far, by container name (of {@code pod}, or {@code lastPod})
     * @param systemLogs lines to start the system logs with (e.g. ignored backend_parameters)
     * @param now the current time
     * @param imagePullGrace how long an image may fail to pull
     */
    record Facts(
            V1Job job,
            Optional<V1Pod> pod,
            Optional<V1Pod> lastPod,
            boolean admitted,
            Map<String, LogTail> logs,
            List<String> systemLogs,
            Instant now,
            Duration imagePullGrace) {
        Facts {
            requireNonNull(job, "job is null");
            requireNonNull(pod, "pod is null");
            requireNonNull(lastPod, "lastPod is null");
            logs = Map.copyOf(logs);
            systemLogs = List.copyOf(systemLogs);
        }
    }

    /**
     * The observation, and which container logs it still lacks.
     *
     * @param observation what to report (without the lacking logs)
     * @param pod the Pod the observation was made from, if any
     * @param logsWanted containers that have ended but whose log tails are not in {@code Facts.logs}
     */
    record Mapped(Observation observation, Optional<V1Pod> pod, Set<String> logsWanted) {}

    static Mapped map(Facts f) {
        V1Job job = f.job();
        List<String> sys = new ArrayList<>(f.systemLogs());
        Set<String> wanted = new LinkedHashSet<>();
        int n = executorCount(job);
        Set<Integer> ignore = JobManifest.ignoreErrorIndices(job);
        Optional<V1Pod> pod = f.pod().isPresent() ? f.pod() : f.lastPod();
        List<ExecutorResult> executors =
                pod.map(p -> executors(p, n, ignore, f.logs(), sys, wanted)).orElse(List.of());

        if (job.getMetadata() != null && job.getMetadata().getDeletionTimestamp() != null) {
            sys.add("the task's Job is being deleted (canceled)");
            return result(Phase.CANCELED, executors, sys, pod, Set.of());
        }
        if (Boolean.TRUE.equals(job.getSpec() == null ? null : job.getSpec().getSuspend())) {
            if (f.admitted()) {
                sys.add("the task's Job was suspended again after it had started: Kueue preempted or evicted it;"
                        + " Ergon does not run it again");
                return result(Phase.PREEMPTED, executors, sys, pod, wanted);
            }
            return result(Phase.QUEUED, List.of(), sys, Optional.empty(), Set.of());
        }
        Optional<V1JobCondition> failed = condition(job, "Failed");
        if (failed.isPresent() && "DeadlineExceeded".equals(failed.get().getReason())) {
            Long deadline = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
            sys.add("the task ran longer than its deadline (activeDeadlineSeconds=" + deadline
                    + ", ergon.executor.kubernetes.active-deadline); Kubernetes stopped it (DeadlineExceeded)");
            return result(Phase.SYSTEM_ERROR, executors, sys, pod, wanted);
        }
        if (f.pod().isEmpty()) {
            return withoutPod(f, job, executors, sys, wanted, failed);
        }
        V1Pod p = f.pod().get();
        V1PodStatus st = p.getStatus();
        Map<String, V1ContainerStatus> statuses = statuses(p);

        Optional<String> disruption = disruption(p);
        if (disruption.isPresent()) {
            sys.add(disruption.get());
            return result(Phase.PREEMPTED, executors, sys, f.pod(), wanted);
        }
        // A failed container ends the task at once; the Pod's phase follows in the same status update.
        V1ContainerStateTerminated stageIn = terminated(statuses.get(JobNames.STAGE_IN));
        if (stageIn != null && code(stageIn) != 0) {
            sys.add("staging inputs failed (stage-in " + describe(stageIn) + ")"
                    + logSuffix(f, JobNames.STAGE_IN, wanted));
            return result(Phase.SYSTEM_ERROR, executors, sys, f.pod(), wanted);
        }
        for (int i = 0; i < n; i++) {
            V1ContainerStateTerminated t = terminated(statuses.get(JobNames.executor(i)));
            if (t != null && code(t) != 0) {
                sys.add("executors[" + i + "] " + describe(t) + "; later executors did not run");
                return result(Phase.EXECUTOR_ERROR, executors, sys, f.pod(), wanted);
            }
        }
        V1ContainerStateTerminated stageOut = terminated(statuses.get(JobNames.STAGE_OUT));
        if (stageOut != null && code(stageOut) != 0) {
            sys.add("staging outputs failed (stage-out " + describe(stageOut) + ")"
                    + logSuffix(f, JobNames.STAGE_OUT, wanted));
            return result(Phase.SYSTEM_ERROR, executors, sys, f.pod(), wanted);
        }
        String phase = st == null ? null : st.getPhase();
        if ("Succeeded".equals(phase) || (stageOut != null && code(stageOut) == 0)) {
            return result(Phase.COMPLETE, executors, sys, f.pod(), wanted);
        }
        if ("Failed".equals(phase)) {
            sys.add("the task's pod failed" + reasonSuffix(st.getReason(), st.getMessage()));
            return result(Phase.SYSTEM_ERROR, executors, sys, f.pod(), wanted);
        }
        Optional<String> stuck = stuckContainer(p, n, statuses, f.now(), f.imagePullGrace());
        if (stuck.isPresent()) {
            sys.add(stuck.get());
            return result(Phase.SYSTEM_ERROR, executors, sys, f.pod(), wanted);
        }
        if (!scheduled(p)) {
            return result(Phase.QUEUED, executors, sys, f.pod(), wanted);
        }
        boolean stageOutStarted = statuses.get(JobNames.STAGE_OUT) != null
                && statuses.get(JobNames.STAGE_OUT).getState() != null
                && statuses.get(JobNames.STAGE_OUT).getState().getRunning() != null;
        if (executors.isEmpty() && !stageOutStarted) {
            // Staging in, or pulling the first executor's image.
            return result(Phase.INITIALIZING, executors, sys, f.pod(), wanted);
        }
        return result(Phase.RUNNING, executors, sys, f.pod(), wanted);
    }

    private static Mapped withoutPod(
            Facts f,
            V1Job job,
            List<ExecutorResult> executors,
            List<String> sys,
            Set<String> wanted,
            Optional<V1JobCondition> failed) {
        if (condition(job, "Complete").isPresent()) {
            return result(Phase.COMPLETE, executors, sys, f.lastPod(), wanted);
        }
        if (f.lastPod().isPresent()) {
            // The Pod is gone. Whatever it said last decides, if it had ended; else it was taken away.
            Mapped last = map(new Facts(
                    job,
                    f.lastPod(),
                    Optional.empty(),
                    f.admitted(),
                    f.logs(),
                    f.systemLogs(),
                    f.now(),
                    f.imagePullGrace()));
            if (last.observation().phase().isTerminal()) {
                return last;
            }
            if (failed.isPresent()) {
                sys.add("the task's pod disappeared before it ended (its node was lost, or it was deleted)"
                        + reasonSuffix(failed.get().getReason(), failed.get().getMessage()));
                return result(Phase.PREEMPTED, executors, sys, f.lastPod(), wanted);
            }
            return last; // the Job controller has not noticed yet
        }
        if (failed.isPresent()) {
            sys.add("the task's Job failed"
                    + reasonSuffix(failed.get().getReason(), failed.get().getMessage()));
            return result(Phase.SYSTEM_ERROR, executors, sys, Optional.empty(), wanted);
        }
        return result(Phase.QUEUED, executors, sys, Optional.empty(), wanted);
    }

    private static Mapped result(
            Phase phase, List<ExecutorResult> executors, List<String> sys, Optional<V1Pod> pod, Set<String> wanted) {
        return new Mapped(new Observation(phase, executors, sys), pod, Set.copyOf(wanted));
    }

    /** The executors that have started, in order, with the log tails fetched so far. */
    private static List<ExecutorResult> executors(
            V1Pod pod, int n, Set<Integer> ignore, Map<String, LogTail> logs, List<String> sys, Set<String> wanted) {
        Map<String, V1ContainerStatus> statuses = statuses(pod);
        List<ExecutorResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = JobNames.executor(i);
            V1ContainerStatus s = statuses.get(name);
            V1ContainerState state = s == null ? null : s.getState();
            if (state == null) {
                break;
            }
            if (state.getRunning() != null) {
                out.add(new ExecutorResult(
                        i, instant(state.getRunning().getStartedAt()), Optional.empty(), OptionalInt.empty(), "", ""));
                break;
            }
            V1ContainerStateTerminated t = state.getTerminated();
            if (t == null) {
                break;
            }
            OptionalInt exit = OptionalInt.of(code(t));
            if (ignore.contains(i) && code(t) == 0) {
                OptionalInt real = parse(t.getMessage());
                if (real.isPresent()) {
                    exit = real;
                    if (real.getAsInt() != 0) {
                        sys.add("executors[" + i + "] exited with code " + real.getAsInt()
                                + "; ignored (ignore_error)");
                    }
                } else {
                    sys.add("executors[" + i + "]: its ignore_error wrapper did not report the exit code"
                            + " (/dev/termination-log not writable?); 0 is shown");
                }
            }
            if ("OOMKilled".equals(t.getReason()) && code(t) == 0) {
                // Under the ignore_error wrapper; a failing executor's own line says it already.
                sys.add("executors[" + i + "] ran out of memory (OOMKilled)");
            }
            LogTail log = logs.get(name);
            if (log == null) {
                wanted.add(name);
                log = LogTail.EMPTY;
            } else {
                log.note().ifPresent(sys::add);
            }
            out.add(new ExecutorResult(
                    i, instant(t.getStartedAt()), instant(t.getFinishedAt()), exit, log.stdout(), log.stderr()));
        }
        return List.copyOf(out);
    }

    /** Why the Pod's capacity was taken away, if it was. */
    private static Optional<String> disruption(V1Pod p) {
        V1PodStatus st = p.getStatus();
        if (st != null && st.getConditions() != null) {
            for (V1PodCondition c : st.getConditions()) {
                if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
                    return Optional.of("the task's pod was disrupted" + reasonSuffix(c.getReason(), c.getMessage())
                            + "; Ergon does not run it again");
                }
            }
        }
        if (st != null && st.getReason() != null && DISRUPTION_REASONS.contains(st.getReason())) {
            return Optional.of("the task's pod was stopped by Kubernetes"
                    + reasonSuffix(st.getReason(), st.getMessage()) + "; Ergon does not run it again");
        }
        if (p.getMetadata() != null && p.getMetadata().getDeletionTimestamp() != null && !ended(p)) {
            return Optional.of("the task's pod was deleted while it ran (not by Ergon); Ergon does not run it again");
        }
        return Optional.empty();
    }

    private static boolean ended(V1Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** A container that cannot start (image pull, bad config) for longer than the grace. */
    private static Optional<String> stuckContainer(
            V1Pod p, int n, Map<String, V1ContainerStatus> statuses, Instant now, Duration grace) {
        List<String> order = new ArrayList<>();
        order.add(JobNames.STAGE_IN);
        for (int i = 0; i < n; i++) {
            order.add(JobNames.executor(i));
        }
        order.add(JobNames.STAGE_OUT);
        Instant since = podStart(p);
        for (String name : order) {
            V1ContainerStatus s = statuses.get(name);
            V1ContainerState state = s == null ? null : s.getState();
            V1ContainerStateTerminated t = state == null ? null : state.getTerminated();
            if (t != null) {
                Optional<Instant> end = instant(t.getFinishedAt());
                if (end.isPresent()) {
                    since = end.get();
                }
                continue;
            }
            V1ContainerStateWaiting w = state == null ? null : state.getWaiting();
            if (w == null || w.getReason() == null || !PULL_PROBLEMS.contains(w.getReason())) {
                return Optional.empty();
            }
            boolean hopeless = HOPELESS.contains(w.getReason());
            if (!hopeless && Duration.between(since, now).compareTo(grace) < 0) {
                return Optional.empty();
            }
            String what = name.startsWith("exec-")
                    ? "executors[" + JobNames.executorIndex(name) + "]"
                    : name + " (the filer)";
            String image = imageOf(p, name).map(i -> " image '" + i + "'").orElse("");
            return Optional.of(what + image + " could not start" + reasonSuffix(w.getReason(), w.getMessage())
                    + (hopeless ? "" : " (for longer than " + grace + ", ergon.executor.kubernetes.image-pull-grace)"));
        }
        return Optional.empty();
    }

    private static Instant podStart(V1Pod p) {
        if (p.getStatus() != null && p.getStatus().getStartTime() != null) {
            return p.getStatus().getStartTime().toInstant();
        }
        if (p.getMetadata() != null && p.getMetadata().getCreationTimestamp() != null) {
            return p.getMetadata().getCreationTimestamp().toInstant();
        }
        return Instant.EPOCH;
    }

    private static Optional<String> imageOf(V1Pod p, String container) {
        if (p.getSpec() == null) {
            return Optional.empty();
        }
        List<V1Container> all = new ArrayList<>();
        if (p.getSpec().getInitContainers() != null) {
            all.addAll(p.getSpec().getInitContainers());
        }
        if (p.getSpec().getContainers() != null) {
            all.addAll(p.getSpec().getContainers());
        }
        return all.stream()
                .filter(c -> container.equals(c.getName()))
                .map(V1Container::getImage)
                .findFirst();
    }

    private static boolean scheduled(V1Pod p) {
        if (p.getSpec() != null
                && p.getSpec().getNodeName() != null
                && !p.getSpec().getNodeName().isEmpty()) {
            return true;
        }
        V1PodStatus st = p.getStatus();
        if (st == null || st.getConditions() == null) {
            return false;
        }
        return st.getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Init and regular container statuses by name (a mock server returns [] for absent lists; both mean none). */
    static Map<String, V1ContainerStatus> statuses(V1Pod p) {
        Map<String, V1ContainerStatus> m = new HashMap<>();
        V1PodStatus st = p.getStatus();
        if (st == null) {
            return m;
        }
        if (st.getInitContainerStatuses() != null) {
            st.getInitContainerStatuses().forEach(s -> m.put(s.getName(), s));
        }
        if (st.getContainerStatuses() != null) {
            st.getContainerStatuses().forEach(s -> m.put(s.getName(), s));
        }
        return m;
    }

    /** How many executors the Job runs: its {@code exec-*} init containers. */
    static int executorCount(V1Job job) {
        if (job.getSpec() == null
                || job.getSpec().getTemplate() == null
                || job.getSpec().getTemplate().getSpec() == null
                || job.getSpec().getTemplate().getSpec().getInitContainers() == null) {
            return 0;
        }
        return (int) job.getSpec().getTemplate().getSpec().getInitContainers().stream()
                .filter(c -> JobNames.executorIndex(c.getName()) >= 0)
                .count();
    }

    private static Optional<V1JobCondition> condition(V1Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static V1ContainerStateTerminated terminated(V1ContainerStatus s) {
        return s == null || s.getState() == null ? null : s.getState().getTerminated();
    }

    private static int code(V1ContainerStateTerminated t) {
        return t.getExitCode() == null ? -1 : t.getExitCode();
    }

    private static String describe(V1ContainerStateTerminated t) {
        String s = "exited with code " + code(t);
        if ("OOMKilled".equals(t.getReason())) {
            return s + ", killed for using more memory than its limit (OOMKilled)";
        }
        if (t.getReason() != null
                && !t.getReason().equals("Error")
                && !t.getReason().equals("Completed")) {
            return s + ", " + t.getReason();
        }
        return s;
    }

    private static String logSuffix(Facts f, String container, Set<String> wanted) {
        LogTail log = f.logs().get(container);
        if (log == null) {
            wanted.add(container);
            return "";
        }
        String text = (log.stdout() + log.stderr()).strip();
        if (text.isEmpty()) {
            return "";
        }
        if (text.length() > 2000) {
            text = "…" + text.substring(text.length() - 2000);
        }
        return ": " + text;
    }

    private static String reasonSuffix(String reason, String message) {
        StringBuilder s = new StringBuilder();
        if (reason != null && !reason.isBlank()) {
            s.append(" (").append(reason);
            if (message != null && !message.isBlank()) {
                s.append(": ").append(message.strip());
            }
            s.append(')');
        } else if (message != null && !message.isBlank()) {
            s.append(" (").append(message.strip()).append(')');
        }
        return s.toString();
    }

    private static OptionalInt parse(String message) {
        if (message == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(message.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static Optional<Instant> instant(OffsetDateTime t) {
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }

    /**
     * What {@code observe} says when the API server cannot be reached: the last observation (or
     * INITIALIZING when there is none) with a system log line saying why; never a terminal
     * change, so a flaky API server ends no task.
     */
    static Observation unreachable(Observation last, Exception e) {
        String why = e instanceof ApiException a ? KubeApi.describe(a) : e.getMessage();
        List<String> logs = new ArrayList<>(last == null ? List.of() : last.systemLogs());
        logs.add("the Kubernetes API could not be reached to observe the task: " + why);
        return new Observation(
                last == null ? Phase.INITIALIZING : last.phase(), last == null ? List.of() : last.executors(), logs);
    }
}
