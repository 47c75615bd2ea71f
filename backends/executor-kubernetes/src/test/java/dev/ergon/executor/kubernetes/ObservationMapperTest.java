package dev.ergon.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.executor.kubernetes.LogReader.LogTail;
import dev.ergon.executor.kubernetes.ObservationMapper.Facts;
import dev.ergon.executor.kubernetes.ObservationMapper.Mapped;
import dev.ergon.spi.ExecutorResult;
import dev.ergon.spi.Phase;
import dev.ergon.testkit.TestTasks;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Job and Pod statuses, built by hand, to observations: each mapping rule on its own. */
class ObservationMapperTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    /** A Job of two executors; the first runs under the ignore_error wrapper when asked. */
    private static V1Job job(boolean ignoreFirst) {
        TestTasks.ExecutorBuilder first = TestTasks.shell("echo one");
        if (ignoreFirst) {
            first.ignoreError();
        }
        return JobManifest.build(
                        TestTasks.task()
                                .id("mapper")
                                .executor(first)
                                .executor(TestTasks.executor("echo", "two"))
                                .build(),
                        JobManifestTest.config(Map.of()))
                .job();
    }

    private static V1Job job() {
        return job(false);
    }

    private static V1Job withCondition(V1Job j, String type, String reason) {
        j.setStatus(new V1JobStatus()
                .conditions(List.of(new V1JobCondition()
                        .type(type)
                        .status("True")
                        .reason(reason)
                        .message("m"))));
        return j;
    }

    private static OffsetDateTime at(int seconds) {
        return OffsetDateTime.ofInstant(T0.plusSeconds(seconds), ZoneOffset.UTC);
    }

    private static V1ContainerState waiting(String reason) {
        return new V1ContainerState()
                .waiting(new V1ContainerStateWaiting().reason(reason).message("because"));
    }

    private static V1ContainerState running(int at) {
        return new V1ContainerState().running(new V1ContainerStateRunning().startedAt(at(at)));
    }

    private static V1ContainerState done(int code, int start, int end) {
        return done(code, code == 0 ? "Completed" : "Error", null, start, end);
    }

    private static V1ContainerState done(int code, String reason, String message, int start, int end) {
        return new V1ContainerState()
                .terminated(new V1ContainerStateTerminated()
                        .exitCode(code)
                        .reason(reason)
                        .message(message)
                        .startedAt(at(start))
                        .finishedAt(at(end)));
    }

    /** A scheduled Pod in {@code phase} whose containers (stage-in, exec-0, exec-1, stage-out) are in {@code states}. */
    private static V1Pod pod(String phase, V1ContainerState... states) {
        List<String> names = List.of("stage-in", "exec-0", "exec-1", "stage-out");
        List<V1ContainerStatus> init = new ArrayList<>();
        List<V1ContainerStatus> main = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            V1ContainerState s = i < states.length ? states[i] : waiting("PodInitializing");
            V1ContainerStatus cs = new V1ContainerStatus()
                    .name(names.get(i))
                    .image("img")
                    .imageID("")
                    .ready(false)
                    .restartCount(0)
                    .state(s);
            (i < 3 ? init : main).add(cs);
        }
        V1Pod p = new V1Pod()
                .metadata(new V1ObjectMeta().name("ergon-mapper-abcde").uid("uid-1"))
                .spec(job().getSpec().getTemplate().getSpec())
                .status(new V1PodStatus()
                        .phase(phase)
                        .startTime(at(0))
                        .initContainerStatuses(init)
                        .containerStatuses(main));
        p.getSpec().setNodeName("node-1");
        return p;
    }

    private static Mapped map(V1Job job, V1Pod pod, int now) {
        return map(job, pod, null, true, Map.of(), now);
    }

    private static Mapped map(
            V1Job job, V1Pod pod, V1Pod lastPod, boolean admitted, Map<String, LogTail> logs, int now) {
        return ObservationMapper.map(new Facts(
                job,
                Optional.ofNullable(pod),
                Optional.ofNullable(lastPod),
                admitted,
                logs,
                List.of(),
                T0.plusSeconds(now),
                GRACE));
    }

    private static Map<String, LogTail> logs(String... containerAndText) {
        Map<String, LogTail> m = new LinkedHashMap<>();
        for (int i = 0; i < containerAndText.length; i += 2) {
            m.put(containerAndText[i], new LogTail(containerAndText[i + 1], "", Optional.empty()));
        }
        return m;
    }

    private static void assertLog(Mapped m, String part) {
        assertTrue(
                m.observation().systemLogs().stream().anyMatch(l -> l.contains(part)),
                "no system log line with '" + part + "': " + m.observation().systemLogs());
    }

    @Test
    void aSuspendedJobIsQueuedUntilAdmittedAndPreemptedWhenSuspendedAgain() {
        V1Job j = job();
        j.getSpec().setSuspend(true);
        assertEquals(
                Phase.QUEUED,
                map(j, null, null, false, Map.of(), 0).observation().phase());
        Mapped again = map(j, null, pod("Running", done(0, 0, 1), running(1)), true, Map.of(), 5);
        assertEquals(Phase.PREEMPTED, again.observation().phase());
        assertLog(again, "Kueue preempted");
    }

    @Test
    void noPodOrAnUnscheduledPodIsQueued() {
        assertEquals(Phase.QUEUED, map(job(), null, 0).observation().phase());
        V1Pod p = pod("Pending");
        p.getSpec().setNodeName(null);
        p.getStatus()
                .setConditions(List.of(new V1PodCondition()
                        .type("PodScheduled")
                        .status("False")
                        .reason("Unschedulable")));
        assertEquals(Phase.QUEUED, map(job(), p, 0).observation().phase());
    }

    @Test
    void stagingInIsInitializingAndAnExecutorRunningIsRunning() {
        assertEquals(
                Phase.INITIALIZING,
                map(job(), pod("Pending", running(0)), 1).observation().phase());
        assertEquals(
                Phase.INITIALIZING,
                map(job(), pod("Pending", done(0, 0, 1), waiting("ErrImagePull")), 2)
                        .observation()
                        .phase(),
                "pulling the first executor's image");
        Mapped m = map(job(), pod("Pending", done(0, 0, 1), running(1)), 2);
        assertEquals(Phase.RUNNING, m.observation().phase());
        assertEquals(1, m.observation().executors().size());
        ExecutorResult r = m.observation().executors().get(0);
        assertEquals(Optional.of(T0.plusSeconds(1)), r.startTime());
        assertTrue(r.endTime().isEmpty() && r.exitCode().isEmpty());
    }

    @Test
    void aSucceededPodIsCompleteWithEveryExecutorsResultAndLogs() {
        V1Pod p = pod("Succeeded", done(0, 0, 1), done(0, 1, 2), done(0, 2, 3), done(0, 3, 4));
        Mapped without = map(job(), p, 5);
        assertEquals(Phase.COMPLETE, without.observation().phase());
        assertEquals(Set.of("exec-0", "exec-1"), without.logsWanted());
        Mapped with = map(job(), p, null, true, logs("exec-0", "one\n", "exec-1", "two\n"), 5);
        assertEquals(Set.of(), with.logsWanted());
        assertEquals(
                List.of(0, 1),
                with.observation().executors().stream()
                        .map(ExecutorResult::index)
                        .toList());
        assertEquals("two\n", with.observation().executors().get(1).stdout());
        assertEquals(
                Optional.of(T0.plusSeconds(3)),
                with.observation().executors().get(1).endTime());
    }

    @Test
    void aFailingExecutorIsAnExecutorErrorAndLaterOnesNeverStarted() {
        Mapped m = map(job(), pod("Failed", done(0, 0, 1), done(3, 1, 2)), 3);
        assertEquals(Phase.EXECUTOR_ERROR, m.observation().phase());
        assertEquals(1, m.observation().executors().size());
        assertEquals(3, m.observation().executors().get(0).exitCode().getAsInt());
        assertLog(m, "executors[0] exited with code 3; later executors did not run");
    }

    @Test
    void anOomKilledExecutorSaysSo() {
        Mapped m = map(job(), pod("Failed", done(0, 0, 1), done(137, "OOMKilled", null, 1, 2)), 3);
        assertEquals(Phase.EXECUTOR_ERROR, m.observation().phase());
        assertLog(m, "OOMKilled");
    }

    @Test
    void ignoreErrorReportsTheRealExitCodeFromTheTerminationMessage() {
        V1Pod p = pod("Succeeded", done(0, 0, 1), done(0, "Completed", "3", 1, 2), done(0, 2, 3), done(0, 3, 4));
        Mapped m = map(job(true), p, 5);
        assertEquals(Phase.COMPLETE, m.observation().phase());
        assertEquals(3, m.observation().executors().get(0).exitCode().getAsInt());
        assertLog(m, "executors[0] exited with code 3; ignored (ignore_error)");
    }

    @Test
    void anImageThatDoesNotPullFailsTheTaskAfterTheGrace() {
        V1Pod p = pod("Pending", done(0, 0, 1), done(0, 1, 10), waiting("ImagePullBackOff"));
        assertEquals(Phase.RUNNING, map(job(), p, 10 + 29).observation().phase(), "executor 0 ran");
        Mapped late = map(job(), p, 10 + 31);
        assertEquals(Phase.SYSTEM_ERROR, late.observation().phase());
        assertLog(late, "executors[1] image 'debian:bookworm-slim' could not start (ImagePullBackOff: because)");
        V1Pod invalid = pod("Pending", done(0, 0, 1), done(0, 1, 10), waiting("InvalidImageName"));
        assertEquals(
                Phase.SYSTEM_ERROR, map(job(), invalid, 11).observation().phase(), "no grace for what cannot heal");
    }

    @Test
    void stagingFailuresAreSystemErrorsWithTheFilersLastWords() {
        V1Pod in = pod("Failed", done(1, 0, 1));
        Mapped first = map(job(), in, 2);
        assertEquals(Phase.SYSTEM_ERROR, first.observation().phase());
        assertEquals(Set.of("stage-in"), first.logsWanted());
        Mapped withLog = map(job(), in, null, true, logs("stage-in", "ergon filer: s3://b/x: access denied\n"), 2);
        assertLog(withLog, "staging inputs failed (stage-in exited with code 1): ergon filer: s3://b/x: access denied");
        V1Pod out = pod("Failed", done(0, 0, 1), done(0, 1, 2), done(0, 2, 3), done(2, 3, 4));
        Mapped m = map(job(), out, 5);
        assertEquals(Phase.SYSTEM_ERROR, m.observation().phase());
        assertLog(m, "staging outputs failed (stage-out exited with code 2)");
        assertEquals(2, m.observation().executors().size());
    }

    @Test
    void theDeadlineIsASystemError() {
        Mapped m =
                map(withCondition(job(), "Failed", "DeadlineExceeded"), pod("Running", done(0, 0, 1), running(1)), 100);
        assertEquals(Phase.SYSTEM_ERROR, m.observation().phase());
        assertLog(m, "longer than its deadline");
    }

    @Test
    void evictionAndDisruptionArePreemptionNotFailure() {
        V1Pod disrupted = pod("Failed", done(0, 0, 1), done(137, 1, 2));
        disrupted
                .getStatus()
                .setConditions(List.of(new V1PodCondition()
                        .type("DisruptionTarget")
                        .status("True")
                        .reason("EvictionByEvictionAPI")
                        .message("Eviction API: evicting")));
        Mapped m = map(job(), disrupted, 3);
        assertEquals(Phase.PREEMPTED, m.observation().phase());
        assertLog(m, "EvictionByEvictionAPI");
        V1Pod evicted = pod("Failed", done(0, 0, 1), done(137, 1, 2));
        evicted.getStatus().reason("Evicted").message("The node was low on resource: memory.");
        assertEquals(Phase.PREEMPTED, map(job(), evicted, 3).observation().phase());
    }

    @Test
    void aPodThatVanishedWhileRunningWasPreempted() {
        V1Job failed = withCondition(job(), "Failed", "BackoffLimitExceeded");
        Mapped m = map(failed, null, pod("Running", done(0, 0, 1), running(1)), true, Map.of(), 5);
        assertEquals(Phase.PREEMPTED, m.observation().phase());
        assertLog(m, "disappeared");
        Mapped stillActive = map(job(), null, pod("Running", done(0, 0, 1), running(1)), true, Map.of(), 5);
        assertEquals(Phase.RUNNING, stillActive.observation().phase(), "the Job controller has not noticed yet");
    }

    @Test
    void aCompleteJobWhosePodIsGoneIsComplete() {
        V1Pod last = pod("Succeeded", done(0, 0, 1), done(0, 1, 2), done(0, 2, 3), done(0, 3, 4));
        assertEquals(
                Phase.COMPLETE,
                map(withCondition(job(), "Complete", null), null, last, true, Map.of(), 9)
                        .observation()
                        .phase());
    }

    @Test
    void aJobBeingDeletedIsCanceled() {
        V1Job j = job();
        j.getMetadata().setDeletionTimestamp(at(3));
        assertEquals(
                Phase.CANCELED,
                map(j, pod("Running", done(0, 0, 1), running(1)), 4)
                        .observation()
                        .phase());
    }
}
