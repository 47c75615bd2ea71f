package dev.ergon.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a container does in the fake cluster, scripted per image by the tests ({@link
 * FakeCluster#script}). Unscripted images run their command for real in a bubblewrap sandbox
 * ({@link SandboxRun}); the filer image runs {@link FakeFiler}. The fake kubelet asks {@link
 * #start} once per step until the container starts, then polls the {@link Run} once per step.
 * Public only for {@code distribution/bench} (through the test-jar).
 */
public interface Behaviour {
    /** The container {@code container} of pod {@code pod}; its volume {@code work} lives at {@code volume} on the host. */
    record Context(V1Pod pod, V1Container container, Path volume, Path scratch, Runnable wake) {}

    /** What happens when the kubelet tries to start the container. */
    sealed interface Start permits Waiting, Started {}

    /** The container cannot start (yet): e.g. ErrImagePull. */
    record Waiting(String reason, String message) implements Start {}

    record Started(Run run) implements Start {}

    /** A started container. */
    interface Run {
        Poll poll();

        /** Stops it at once (the Pod was deleted). */
        void kill();
    }

    sealed interface Poll permits Running, Exited, Evict {}

    record Running() implements Poll {}

    /** The container ended. {@code all} is both streams interleaved, as Kubernetes keeps them. */
    record Exited(int exitCode, String reason, String message, String stdout, String stderr, String all)
            implements Poll {
        static Exited of(int code, String stdout, String stderr) {
            return new Exited(code, code == 0 ? "Completed" : "Error", null, stdout, stderr, stdout + stderr);
        }
    }

    /** The kubelet evicts the whole Pod while this container runs. */
    record Evict(String message) implements Poll {}

    Start start(Context ctx);

    // ---- scripted behaviours ----

    /** Runs for one step, writes {@code stdout}/{@code stderr}, exits {@code code}. */
    static Behaviour exit(int code, String stdout, String stderr) {
        return ctx -> new Started(fixed(Exited.of(code, stdout, stderr)));
    }

    /** Killed by the kernel for exceeding its memory limit: exit 137, reason OOMKilled. */
    static Behaviour oomKilled() {
        return ctx -> new Started(fixed(new Exited(137, "OOMKilled", null, "allocating...\n", "", "allocating...\n")));
    }

    /** Its image never pulls: ErrImagePull, then ImagePullBackOff, for ever. */
    static Behaviour imagePullBackOff() {
        AtomicInteger tries = new AtomicInteger();
        return ctx -> tries.getAndIncrement() == 0
                ? new Waiting(
                        "ErrImagePull",
                        "failed to pull image \"" + ctx.container().getImage() + "\": not found")
                : new Waiting(
                        "ImagePullBackOff",
                        "Back-off pulling image \"" + ctx.container().getImage() + "\"");
    }

    /** Runs until the Pod is deleted. */
    static Behaviour hang() {
        return ctx -> new Started(new Run() {
            @Override
            public Poll poll() {
                return new Running();
            }

            @Override
            public void kill() {}
        });
    }

    /** Runs until {@code gate} opens (then call {@link FakeCluster#wake()}), then exits 0 printing {@code stdout}. */
    static Behaviour gate(CountDownLatch gate, String stdout) {
        return ctx -> new Started(new Run() {
            @Override
            public Poll poll() {
                return gate.getCount() == 0 ? Exited.of(0, stdout, "") : new Running();
            }

            @Override
            public void kill() {}
        });
    }

    /** The node runs short of memory while this container runs: the kubelet evicts the Pod. */
    static Behaviour evicted() {
        return ctx -> new Started(fixed(new Evict("The node was low on resource: memory.")));
    }

    private static Run fixed(Poll result) {
        return new Run() {
            @Override
            public Poll poll() {
                return result;
            }

            @Override
            public void kill() {}
        };
    }
}
