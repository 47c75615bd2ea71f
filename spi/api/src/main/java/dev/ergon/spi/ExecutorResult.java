package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one executor did so far (TES {@code tesExecutorLog}).
 *
 * @param index the executor's position in the task, from 0
 * @param startTime when it started
 * @param endTime when it ended
 * @param exitCode its exit code, once it ended
 * @param stdout the tail of its standard output (bounded by the backend; may be empty)
 * @param stderr the tail of its standard error (bounded by the backend; may be empty)
 */
public record ExecutorResult(
        int index,
        Optional<Instant> startTime,
        Optional<Instant> endTime,
        OptionalInt exitCode,
        String stdout,
        String stderr) {
    public ExecutorResult {
        requireNonNull(startTime, "startTime is null");
        requireNonNull(endTime, "endTime is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }
}
