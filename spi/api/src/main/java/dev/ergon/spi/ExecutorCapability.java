package dev.ergon.spi;

/**
 * What an executor backend can do. A backend that lacks a capability must reject a task that
 * needs it at {@link ExecutorBackend#submit} with {@link ErrorKind#INVALID_INPUT} naming the
 * field, never silently ignore it; the contract tests check exactly that.
 */
public enum ExecutorCapability {
    /** Runs on Ergon's host file system: Ergon stages into {@link TaskSpec#workspace()} around the run. */
    SHARED_FILESYSTEM,
    /** Stages inputs and outputs itself (e.g. stage-in/stage-out containers in the Pod). */
    STAGES_ITSELF,
    /** Honours {@link ExecutorSpec#stdin()}, {@code stdout()} and {@code stderr()}. */
    STREAM_REDIRECTION,
    /** Honours {@link ExecutorSpec#ignoreError()}. */
    IGNORE_ERROR,
    /** Honours {@link ExecutorSpec#workdir()} and {@link ExecutorSpec#env()}. */
    WORKDIR_AND_ENV,
    /** Honours {@link TaskSpec#volumes()}. */
    VOLUMES,
    /** Still finds tasks it was given before Ergon restarted ({@link ExecutorBackend#observe} keeps working). */
    SURVIVES_RESTART,
    /** Pushes changes to the {@link ObservationListener} instead of relying on polling alone. */
    PUSHES_CHANGES,
    /**
     * Reports an executor's stdout and stderr tails apart ({@link ExecutorResult#stdout()}, {@link
     * ExecutorResult#stderr()}). A backend without it reports both streams, interleaved as they
     * were written, in {@code stdout()} and leaves {@code stderr()} empty (e.g. Kubernetes, whose
     * container logs are one stream unless the cluster enables split log queries).
     */
    SEPARATE_LOG_STREAMS
}
