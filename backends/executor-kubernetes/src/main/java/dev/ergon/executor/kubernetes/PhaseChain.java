package dev.ergon.executor.kubernetes;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strategy job-per-phase seen as the one-job strategy's single Job and Pod, so that {@link
 * ObservationMapper} applies the very same rules to it: the phase Jobs' containers become one
 * virtual Pod whose init containers are stage-in and the executors and whose main container is
 * stage-out, each with the status its own phase Pod reports. A phase that a later phase follows
 * has succeeded even when its Job or Pod is gone (the backend starts a phase only after the one
 * before has succeeded). Pure.
 */
final class PhaseChain {
    private PhaseChain() {}

    /**
     * What is known about a task's phases.
     *
     * @param containers the phases' containers in order (stage-in, exec-0 … exec-N-1, stage-out)
     * @param jobs the phase Jobs that exist, by phase index
     * @param pods the newest Pod of each phase, by phase index (as last seen, also when gone)
     */
    record Known(List<V1Container> containers, Map<Integer, V1Job> jobs, Map<Integer, V1Pod> pods) {
        Known {
            containers = List.copyOf(containers);
            jobs = Map.copyOf(jobs);
            pods = Map.copyOf(pods);
            if (containers.size() < 2) {
                throw new IllegalArgumentException("a task has at least stage-in and stage-out");
            }
        }

        int last() {
            return containers.size() - 1;
        }

        /** The highest phase that has a Job (or is known to have run), -1 when none. */
        int current() {
            int c = -1;
            for (int i : jobs.keySet()) {
                c = Math.max(c, i);
            }
            for (int i : pods.keySet()) {
                c = Math.max(c, i);
            }
            return c;
        }
    }

    /**
     * The virtual Job and Pod.
     *
     * @param job the one-job-shaped Job (its status is the current phase Job's)
     * @param pod the one-job-shaped Pod, when any phase has had a Pod
     * @param current the highest phase that exists
     * @param currentSucceeded whether that phase has ended with exit code 0
     */
    record Composite(V1Job job, Optional<V1Pod> pod, int current, boolean currentSucceeded) {
        Composite {
            requireNonNull(job, "job is null");
            requireNonNull(pod, "pod is null");
        }
    }

    static Composite compose(Known k) {
        int current = k.current();
        if (current < 0) {
            throw new IllegalArgumentException("no phase Job exists");
        }
        int last = k.last();
        List<V1Container> init = k.containers().subList(0, last);
        List<V1Container> main = List.of(k.containers().get(last));
        V1Job currentJob = k.jobs().get(current);

        V1ObjectMeta meta = new V1ObjectMeta();
        for (V1Job j : k.jobs().values()) {
            if (j.getMetadata() != null) {
                if (j.getMetadata().getAnnotations() != null
                        && (meta.getAnnotations() == null
                                || meta.getAnnotations().isEmpty())) {
                    meta.annotations(j.getMetadata().getAnnotations());
                }
                if (j.getMetadata().getDeletionTimestamp() != null) {
                    meta.deletionTimestamp(j.getMetadata().getDeletionTimestamp());
                }
            }
        }
        V1JobSpec spec = new V1JobSpec()
                .template(new V1PodTemplateSpec()
                        .spec(new V1PodSpec().initContainers(init).containers(main)));
        V1JobStatus status = new V1JobStatus();
        if (currentJob != null) {
            if (currentJob.getSpec() != null) {
                spec.suspend(currentJob.getSpec().getSuspend())
                        .activeDeadlineSeconds(currentJob.getSpec().getActiveDeadlineSeconds());
            }
            if (currentJob.getStatus() != null && currentJob.getStatus().getConditions() != null) {
                List<V1JobCondition> conditions = new ArrayList<>();
                for (V1JobCondition c : currentJob.getStatus().getConditions()) {
                    boolean success = "Complete".equals(c.getType()) || "SuccessCriteriaMet".equals(c.getType());
                    if (!success || current == last) {
                        conditions.add(c); // an earlier phase's completion is not the task's
                    }
                }
                status.conditions(conditions);
            }
        }
        V1Job job = new V1Job().metadata(meta).spec(spec).status(status);

        List<V1ContainerStatus> statuses = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            statuses.add(status(k, i, current));
        }
        V1ContainerStatus currentStatus = statuses.get(current);
        boolean currentSucceeded = (currentStatus.getState() != null
                        && currentStatus.getState().getTerminated() != null
                        && Integer.valueOf(0)
                                .equals(currentStatus.getState().getTerminated().getExitCode()))
                || (currentJob != null && hasCondition(currentJob, "Complete"));
        if (k.pods().isEmpty()) {
            return new Composite(job, Optional.empty(), current, currentSucceeded);
        }

        V1Pod newest = k.pods().get(current);
        V1Pod basis = newest;
        for (int i = current; basis == null && i >= 0; i--) {
            basis = k.pods().get(i);
        }
        String nodeName = null;
        for (int i = current; nodeName == null && i >= 0; i--) {
            V1Pod p = k.pods().get(i);
            if (p != null && p.getSpec() != null) {
                nodeName = p.getSpec().getNodeName();
            }
        }
        V1PodStatus ps = new V1PodStatus()
                .initContainerStatuses(statuses.subList(0, last))
                .containerStatuses(statuses.subList(last, last + 1));
        String phase = newest == null || newest.getStatus() == null
                ? null
                : newest.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            ps.phase("Failed");
        } else if (current == last && currentSucceeded) {
            ps.phase("Succeeded");
        } else if (newest == null || current > 0 || "Succeeded".equals(phase)) {
            ps.phase("Running"); // between phases, or in a later one: the task runs on
        } else {
            ps.phase(phase);
        }
        if (newest != null && newest.getStatus() != null) {
            ps.reason(newest.getStatus().getReason())
                    .message(newest.getStatus().getMessage())
                    .conditions(newest.getStatus().getConditions())
                    .startTime(newest.getStatus().getStartTime());
        } else if (basis.getStatus() != null) {
            ps.startTime(basis.getStatus().getStartTime());
        }
        V1ObjectMeta podMeta = new V1ObjectMeta()
                .name(basis.getMetadata() == null ? null : basis.getMetadata().getName())
                .uid("phases-" + current)
                .creationTimestamp(
                        basis.getMetadata() == null ? null : basis.getMetadata().getCreationTimestamp())
                .deletionTimestamp(
                        newest == null || newest.getMetadata() == null
                                ? null
                                : newest.getMetadata().getDeletionTimestamp());
        V1Pod pod = new V1Pod()
                .metadata(podMeta)
                .spec(new V1PodSpec().nodeName(nodeName).initContainers(init).containers(main))
                .status(ps);
        return new Composite(job, Optional.of(pod), current, currentSucceeded);
    }

    /** Phase {@code i}'s container status, as its own Pod reports it or as the chain implies. */
    private static V1ContainerStatus status(Known k, int i, int current) {
        String name = k.containers().get(i).getName();
        V1Pod pod = k.pods().get(i);
        V1ContainerStatus own =
                pod == null ? null : ObservationMapper.statuses(pod).get(name);
        V1ContainerStateTerminated t =
                own == null || own.getState() == null ? null : own.getState().getTerminated();
        if (t != null) {
            return own;
        }
        if (i < current) {
            // Followed by a later phase: it succeeded (the backend starts a phase only then).
            OffsetDateTime started =
                    own == null || own.getState() == null || own.getState().getRunning() == null
                            ? null
                            : own.getState().getRunning().getStartedAt();
            return new V1ContainerStatus()
                    .name(name)
                    .state(new V1ContainerState()
                            .terminated(new V1ContainerStateTerminated()
                                    .exitCode(0)
                                    .reason("Completed")
                                    .startedAt(started)));
        }
        if (own != null) {
            return own;
        }
        return new V1ContainerStatus()
                .name(name)
                .state(new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("PodInitializing")));
    }

    private static boolean hasCondition(V1Job job, String type) {
        return job.getStatus() != null
                && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The phase index of container {@code name} among {@code containers}, or -1. */
    static int indexOf(List<V1Container> containers, String name) {
        for (int i = 0; i < containers.size(); i++) {
            if (containers.get(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
